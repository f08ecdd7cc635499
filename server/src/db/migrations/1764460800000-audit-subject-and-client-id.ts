import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";
import { columns } from "./schema-builders";

const SUBJECT_INDEX = "ix_audit_events_subject_time";

/**
 * Two columns for the audit trail:
 * - `subject_user_id`: the owner of the personal token an event is about. Such events belong to no
 *   organization, so until now nobody could read them; the owner and the ADMINs and AUDITORs of the
 *   owner's organizations read them through (subject_user_id, created_at, id). Events already
 *   recorded are filled in from their token.
 * - `client_request_id`: the X-Request-Id the client sent, kept beside Lapse's own request id
 *   rather than instead of it (a client chooses its id; it must not stand for the server's).
 */
export class AuditSubjectAndClientId1764460800000 implements MigrationInterface {
  name = "AuditSubjectAndClientId1764460800000";

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columns(queryRunner);
    await queryRunner.addColumns("audit_events", [
      new TableColumn(c.ref("subject_user_id", true)),
      new TableColumn(c.str("client_request_id", 64, true)),
    ]);
    await queryRunner.query(
      `UPDATE audit_events SET subject_user_id = (
         SELECT t.owner_id FROM access_tokens t WHERE t.id = audit_events.token_id AND t.kind = 'PERSONAL'
       ) WHERE token_id IS NOT NULL`,
    );
    await queryRunner.createIndex(
      "audit_events",
      new TableIndex({ name: SUBJECT_INDEX, columnNames: ["subject_user_id", "created_at", "id"] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex("audit_events", SUBJECT_INDEX);
    await queryRunner.dropColumn("audit_events", "client_request_id");
    await queryRunner.dropColumn("audit_events", "subject_user_id");
  }
}
