import { expect, it } from "vitest";
import { describeEachStore } from "../../../test/harness";
import {
  CREATE_ORGANIZATION_TOKEN,
  CREATE_PERSONAL_TOKEN,
  CREATE_TEAM_TOKEN,
  REVOKE_TOKEN,
  TOKENS,
  mustCreate,
} from "../../../test/operations";
import { seedOrg } from "../../../test/seed";
import { digestSecret } from "../../auth/token-secret";

describeEachStore("secrets at rest", (server) => {
  it("leaves no secret in any table: only its SHA-256 digest and a four-character hint", async () => {
    const org = await seedOrg(server);
    const team = await org.team();
    const created = [
      await mustCreate(
        server,
        CREATE_PERSONAL_TOKEN,
        { name: "p", description: "desc" },
        org.admin.secret,
      ),
      await mustCreate(
        server,
        CREATE_TEAM_TOKEN,
        { organization: org.name, team, name: "t" },
        org.admin.secret,
      ),
      await mustCreate(
        server,
        CREATE_ORGANIZATION_TOKEN,
        { organization: org.name, name: "o" },
        org.admin.secret,
      ),
    ];
    await server.gql(REVOKE_TOKEN, { id: created[0]!.token.id }, org.admin.secret);
    const secrets = [org.admin.secret, ...created.map((c) => c.secret)];

    const tables = [...server.dataSource.entityMetadatas.map((m) => m.tableName), "migrations"];
    let dump = "";
    for (const table of tables) {
      dump += JSON.stringify(await server.dataSource.query(`SELECT * FROM ${table}`));
    }
    for (const secret of secrets) {
      expect(dump).not.toContain(secret);
      // Not even the random part, nor a long run of it.
      expect(dump).not.toContain(secret.slice(10, 30));
      expect(dump).toContain(digestSecret(secret));
    }
  });

  it("shows a secret only in the create response, never in a later read", async () => {
    const org = await seedOrg(server);
    const { secret } = await mustCreate(
      server,
      CREATE_PERSONAL_TOKEN,
      { name: "once" },
      org.admin.secret,
    );
    const later = await server.gql(
      TOKENS,
      { filter: { organization: org.name } },
      org.admin.secret,
    );
    expect(JSON.stringify(later)).not.toContain(secret.slice(10, 30));
    expect(JSON.stringify(later)).toContain(secret.slice(-4));
  });
});
