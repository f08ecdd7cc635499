import { expect, it, vi } from "vitest";
import { describeEachStore } from "../../../test/harness";
import {
  CREATE_PERSONAL_TOKEN,
  CREATE_TEAM_TOKEN,
  REVOKE_TOKEN,
  VIEWER,
  errorCode,
  mustCreate,
} from "../../../test/operations";
import { seedOrg } from "../../../test/seed";

describeEachStore("audit events and their changes", (server) => {
  it("creates no token when its audit event cannot be written", async () => {
    const org = await seedOrg(server);
    const team = await org.team();
    const before = await server.tenantRows(org.name);
    const spy = vi
      .spyOn(server.lapse.services.audit, "record")
      .mockRejectedValueOnce(new Error("disk full"))
      .mockRejectedValueOnce(new Error("disk full"));
    try {
      const personal = await server.gql(CREATE_PERSONAL_TOKEN, { name: "lost" }, org.admin.secret);
      const teamToken = await server.gql(
        CREATE_TEAM_TOKEN,
        { organization: org.name, team, name: "lost" },
        org.admin.secret,
      );
      for (const response of [personal, teamToken]) {
        expect(errorCode(response)).toBe("INTERNAL_SERVER_ERROR");
        expect(response.errors![0]!.message).not.toContain("disk full");
      }
    } finally {
      spy.mockRestore();
    }
    expect(await server.tenantRows(org.name)).toEqual(before);
    // The names were never taken.
    await mustCreate(server, CREATE_PERSONAL_TOKEN, { name: "lost" }, org.admin.secret);
  });

  it("leaves a token usable when the audit event of its revocation cannot be written", async () => {
    const org = await seedOrg(server);
    const { secret, token } = await mustCreate(
      server,
      CREATE_PERSONAL_TOKEN,
      { name: "kept" },
      org.admin.secret,
    );
    const spy = vi
      .spyOn(server.lapse.services.audit, "record")
      .mockRejectedValueOnce(new Error("disk full"));
    try {
      expect(errorCode(await server.gql(REVOKE_TOKEN, { id: token.id }, org.admin.secret))).toBe(
        "INTERNAL_SERVER_ERROR",
      );
    } finally {
      spy.mockRestore();
    }
    expect((await server.gql(VIEWER, {}, secret)).status).toBe(200);
  });
});
