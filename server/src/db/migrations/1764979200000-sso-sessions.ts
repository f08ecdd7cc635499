import { TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { columns } from "./schema-builders";

/**
 * Console sessions made by single sign-on: how a session was made (`token`, the one kind before, or
 * `sso`), the identity provider's email shown beside it, and no token behind an SSO session.
 */
export class SsoSessions1764979200000 implements MigrationInterface {
  name = "SsoSessions1764979200000";

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columns(queryRunner);
    await queryRunner.addColumns("sessions", [
      new TableColumn({ ...c.str("method", 8), default: "'token'" }),
      new TableColumn(c.str("email", 320, true)),
    ]);
    await queryRunner.changeColumn(
      "sessions",
      "token_id",
      new TableColumn(c.ref("token_id", true)),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const c = columns(queryRunner);
    // A session with no token cannot be kept by a schema that needs one: those people sign in again.
    await queryRunner.query(`DELETE FROM sessions WHERE token_id IS NULL`);
    await queryRunner.changeColumn("sessions", "token_id", new TableColumn(c.ref("token_id")));
    await queryRunner.dropColumn("sessions", "email");
    await queryRunner.dropColumn("sessions", "method");
  }
}
