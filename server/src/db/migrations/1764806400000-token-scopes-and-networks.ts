import { TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { columns } from "./schema-builders";

/**
 * Scopes and allowed networks on every token. Tokens made before held every Lapse scope of their
 * kind; that is written out here, so a Lapse scope added later never widens a token made earlier.
 */
export class TokenScopesAndNetworks1764806400000 implements MigrationInterface {
  name = "TokenScopesAndNetworks1764806400000";

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columns(queryRunner);
    await queryRunner.addColumns("access_tokens", [
      new TableColumn(c.longText("scopes")),
      new TableColumn(c.longText("allowed_cidrs")),
    ]);
    // Written out, not read from LapseScope: what this migration grants must never change.
    const machine = "audit:read tokens:introspect tokens:read tokens:write";
    await queryRunner.query(
      `UPDATE access_tokens SET scopes = CASE WHEN kind = 'PERSONAL' THEN ? ELSE ? END WHERE scopes IS NULL`,
      ["audit:read org:admin tokens:introspect tokens:read tokens:write", machine],
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn("access_tokens", "allowed_cidrs");
    await queryRunner.dropColumn("access_tokens", "scopes");
  }
}
