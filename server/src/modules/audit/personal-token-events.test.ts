import { expect, it } from "vitest";
import { describeEachStore } from "../../../test/harness";
import {
  AUDIT_EVENTS,
  CREATE_PERSONAL_TOKEN,
  REVOKE_TOKEN,
  errorCode,
  mustCreate,
  type AuditEventsResult,
} from "../../../test/operations";
import { seedOrg } from "../../../test/seed";
import { OrganizationRole } from "../organization/organization.types";

/** Events about personal tokens belong to no organization; these are the people who read them. */
describeEachStore("the audit trail of personal tokens", (server) => {
  const tokenEvents = async (
    secret: string,
    filter: Record<string, unknown>,
    tokenId: string,
  ): Promise<string[] | string> => {
    const response = await server.gql<AuditEventsResult>(
      AUDIT_EVENTS,
      { filter: { ...filter, tokenId } },
      secret,
    );
    if (response.errors) return errorCode(response)!;
    return response.data!.auditEvents.edges.map((e) => e.node.type).sort();
  };

  it("is read by the owner, and by the ADMINs and AUDITORs of the owner's organizations only", async () => {
    const org = await seedOrg(server);
    const owner = await org.member();
    const auditor = await org.member(OrganizationRole.AUDITOR);
    const stranger = await seedOrg(server);
    const { token } = await mustCreate(
      server,
      CREATE_PERSONAL_TOKEN,
      { name: "laptop" },
      owner.secret,
    );
    await server.gql(REVOKE_TOKEN, { id: token.id }, owner.secret);
    const both = ["TOKEN_CREATED", "TOKEN_REVOKED"];

    expect(await tokenEvents(owner.secret, {}, token.id)).toEqual(both);
    expect(await tokenEvents(org.admin.secret, { organization: org.name }, token.id)).toEqual(both);
    expect(await tokenEvents(auditor.secret, { organization: org.name }, token.id)).toEqual(both);
    // Neither another member's own trail nor another organization's shows them.
    expect(await tokenEvents(auditor.secret, {}, token.id)).toEqual([]);
    expect(
      await tokenEvents(stranger.admin.secret, { organization: stranger.name }, token.id),
    ).toEqual([]);
    expect(await tokenEvents(owner.secret, { organization: org.name }, token.id)).toBe("FORBIDDEN");
  });

  it("keeps Lapse's own request id and the client's beside it", async () => {
    const org = await seedOrg(server);
    const created = await server.gql<{ createPersonalToken: { token: { id: string } } }>(
      CREATE_PERSONAL_TOKEN,
      { name: "traced" },
      org.admin.secret,
      { "x-request-id": "build-1234" },
    );
    const id = created.data!.createPersonalToken.token.id;
    const events = await server.gql<AuditEventsResult>(
      AUDIT_EVENTS,
      { filter: { tokenId: id } },
      org.admin.secret,
    );
    expect(events.data!.auditEvents.edges[0]!.node).toMatchObject({
      type: "TOKEN_CREATED",
      requestId: created.headers.get("x-request-id"),
      clientRequestId: "build-1234",
    });
    expect(created.headers.get("x-request-id")).not.toBe("build-1234");
  });
});
