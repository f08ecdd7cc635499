// Seeds one organization with many tokens and audit events, fast: multi-row INSERTs over one
// mysql2 connection with unique and foreign-key checks off for the session. The organization, its
// admin and the admin's token are made through Lapse itself (bootstrap), so the API sees a normal
// tenant. Used by bench/scale.mjs (1,000,000 tokens, 5,000,000 events) and by the EXPLAIN test on a
// smaller seed.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import mysql from "mysql2/promise";

const DAY = 86_400_000;
const NEVER = "9999-12-31 23:59:59.999";
const BATCH = 5_000;
const MEMBERS = 20;
const TEAMS = 10;

const sqlTime = (ms) => new Date(ms).toISOString().replace("T", " ").replace("Z", "");

/**
 * Seeds `tokens` tokens and `events` audit events into a new organization on `dataSource` (a MySQL
 * DataSource opened by Lapse, migrations applied), with `now` as the present. `bootstrap(org,
 * admin)` makes the organization through Lapse and resolves to the admin's secret. Returns the
 * organization's name, the admin's secret and a member's login.
 */
export async function seedScale(
  dataSource,
  { tokens, events, now = Date.now(), bootstrap, log = () => {} },
) {
  const suffix = randomBytes(4).toString("hex");
  const organization = `scale-${suffix}`;
  const adminSecret = await bootstrap(organization, `scale-admin-${suffix}`);
  const [{ id: orgId }] = await dataSource.query("SELECT id FROM organizations WHERE name = ?", [
    organization,
  ]);
  const [{ user_id: adminId }] = await dataSource.query(
    "SELECT user_id FROM memberships WHERE organization_id = ?",
    [orgId],
  );

  const options = dataSource.driver.options;
  const connection = await mysql.createConnection({ uri: options.url, timezone: "Z" });
  try {
    await connection.query("SET unique_checks = 0, foreign_key_checks = 0");
    const insert = async (table, columns, rows) => {
      for (let i = 0; i < rows.length; i += BATCH) {
        const chunk = rows.slice(i, i + BATCH);
        await connection.query(`INSERT INTO ${table} (${columns.join(", ")}) VALUES ?`, [chunk]);
      }
    };

    const members = [adminId];
    const userRows = [];
    const membershipRows = [];
    for (let i = 0; i < MEMBERS; i++) {
      const id = randomUUID();
      members.push(id);
      userRows.push([id, `scale-u${i}-${suffix}`, 0, sqlTime(now - 400 * DAY)]);
      membershipRows.push([
        randomUUID(),
        orgId,
        id,
        i % 5 === 0 ? "AUDITOR" : "MEMBER",
        sqlTime(now - 400 * DAY),
      ]);
    }
    await insert("users", ["id", "login", "site_admin", "created_at"], userRows);
    await insert(
      "memberships",
      ["id", "organization_id", "user_id", "role", "created_at"],
      membershipRows,
    );
    const teams = [];
    for (let i = 0; i < TEAMS; i++)
      teams.push([randomUUID(), orgId, `team-${i}`, `team-${i}`, sqlTime(now - 400 * DAY)]);
    await insert("teams", ["id", "organization_id", "name", "active_name", "created_at"], teams);

    // Tokens: 60% team, 30% organization, 10% personal; expiries from a year ago to two years
    // ahead, 10% never; 5% revoked; a third never used.
    const tokenColumns = [
      "id",
      "kind",
      "name",
      "digest",
      "hint",
      "admin",
      "source",
      "organization_id",
      "team_id",
      "owner_id",
      "created_by_id",
      "name_key",
      "created_at",
      "expires_at",
      "revoked_at",
      "last_used_at",
    ];
    const tokenIds = [];
    // Every sampled token is personal (n % 50 === 0 picks kind PERSONAL); its owner, for the events.
    const tokenOwners = [];
    let rows = [];
    const started = Date.now();
    for (let n = 0; n < tokens; n++) {
      const id = randomUUID();
      const pick = n % 10;
      const kind = pick === 0 ? "PERSONAL" : pick < 4 ? "ORGANIZATION" : "TEAM";
      const owner = kind === "PERSONAL" ? members[n % members.length] : null;
      if (n % 50 === 0 && tokenIds.length < 10_000) {
        tokenIds.push(id);
        tokenOwners.push(owner);
      }
      const createdAt = now - 400 * DAY + ((n * 7919) % (390 * DAY));
      const expires =
        n % 10 === 3 ? NEVER : sqlTime(now - 365 * DAY + ((n * 104729) % (3 * 365 * DAY)));
      const revoked = n % 20 === 7 ? sqlTime(now - 10 * DAY) : null;
      const name = `tok-${n}`;
      const digest = createHash("sha256").update(`${suffix}:${n}`).digest("hex");
      rows.push([
        id,
        kind,
        name,
        digest,
        `lapse_xxx_…${digest.slice(0, 4)}`,
        0,
        "GRAPHQL",
        kind === "PERSONAL" ? null : orgId,
        kind === "TEAM" ? teams[n % TEAMS][0] : null,
        owner,
        members[n % members.length],
        kind === "PERSONAL" && revoked ? null : name,
        sqlTime(createdAt),
        expires,
        revoked,
        n % 3 === 0 ? null : sqlTime(now - (n % 200) * DAY),
      ]);
      if (rows.length === BATCH) {
        await insert("access_tokens", tokenColumns, rows);
        rows = [];
        if (n % 100_000 === BATCH - 1)
          log(`tokens: ${n + 1} (${Math.round((Date.now() - started) / 1000)} s)`);
      }
    }
    await insert("access_tokens", tokenColumns, rows);

    // Audit events over the last year, by the members (and by machine tokens), about the tokens.
    const types = [
      "TOKEN_CREATED",
      "TOKEN_REVOKED",
      "TOKEN_ROTATED",
      "TOKEN_EXPIRED",
      "TOKEN_USE_REFUSED",
    ];
    const eventColumns = [
      "id",
      "type",
      "created_at",
      "organization_id",
      "actor_user_id",
      "actor_login",
      "actor_token_id",
      "token_id",
      "token_name",
      "request_id",
      "payload",
      "subject_user_id",
    ];
    rows = [];
    const eventsStarted = Date.now();
    for (let n = 0; n < events; n++) {
      const actor = n % (members.length + 1);
      const byUser = actor < members.length;
      const about = (n * 31) % tokenIds.length;
      // One event in five is about a personal token as such (created, revoked, …): it belongs to
      // no organization and is read through its owner.
      const personal = n % 5 === 0;
      rows.push([
        randomUUID(),
        types[n % types.length],
        sqlTime(now - 365 * DAY + ((n * 15485863) % (365 * DAY))),
        personal ? null : orgId,
        byUser ? members[actor] : null,
        byUser ? (actor === 0 ? null : `scale-u${actor - 1}-${suffix}`) : null,
        byUser ? null : tokenIds[n % tokenIds.length],
        tokenIds[about],
        "tok",
        null,
        "{}",
        personal ? tokenOwners[about] : null,
      ]);
      if (rows.length === BATCH) {
        await insert("audit_events", eventColumns, rows);
        rows = [];
        if (n % 500_000 === BATCH - 1)
          log(`events: ${n + 1} (${Math.round((Date.now() - eventsStarted) / 1000)} s)`);
      }
    }
    await insert("audit_events", eventColumns, rows);
    await connection.query("ANALYZE TABLE access_tokens, audit_events");
  } finally {
    await connection.end();
  }
  return {
    organization,
    adminSecret,
    memberLogin: `scale-u3-${suffix}`,
  };
}
