import { InitialSchema1764115200000 } from "./1764115200000-initial-schema";
import { ThrottleAndLeases1764201600000 } from "./1764201600000-throttle-and-leases";
import { CoveringTokenIndexes1764288000000 } from "./1764288000000-covering-token-indexes";
import { ExplicitCharset1764374400000 } from "./1764374400000-explicit-charset";
import { AuditSubjectAndClientId1764460800000 } from "./1764460800000-audit-subject-and-client-id";
import { WebhooksAndNotifications1764633600000 } from "./1764633600000-webhooks-and-notifications";
import { TokenScopesAndNetworks1764806400000 } from "./1764806400000-token-scopes-and-networks";
import { SsoSessions1764979200000 } from "./1764979200000-sso-sessions";

/**
 * Every migration in order; listed explicitly so bundlers and tests see the same set.
 *
 * Writing a new one: name it `<timestamp>-<what>.ts` with a timestamp after the last, and build it
 * from schema-builders.ts: `createTable(queryRunner, new Table({ engine: engineFor(queryRunner),
 * columns: [c.id(), c.str(...), ...] }))` with `const c = columns(queryRunner)`, and `c.*` for a
 * column added to an existing table. Those state utf8mb4/utf8mb4_bin on MySQL, so the migration
 * works on a database of any default collation (a text column that took the default could not be
 * joined by foreign key to the others). Never `queryRunner.createTable` or a raw CREATE TABLE or
 * ADD COLUMN without them: collation.test.ts migrates databases of five collations and fails
 * unless they end with identical schemas. Never edit a builder: released migrations call them.
 */
export const MIGRATIONS = [
  InitialSchema1764115200000,
  ThrottleAndLeases1764201600000,
  CoveringTokenIndexes1764288000000,
  ExplicitCharset1764374400000,
  AuditSubjectAndClientId1764460800000,
  WebhooksAndNotifications1764633600000,
  TokenScopesAndNetworks1764806400000,
  SsoSessions1764979200000,
];
