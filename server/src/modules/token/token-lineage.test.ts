import { expect, it } from "vitest";
import { describeEachStore } from "../../../test/harness";
import {
  CREATE_TEAM_TOKEN,
  ROTATE_TOKEN,
  mustCreate,
  type Created,
} from "../../../test/operations";
import { seedOrg } from "../../../test/seed";

const LINEAGE = `query Lineage($id: ID!) {
  token(id: $id) { id rotatedFrom { id name status } replacedBy { id name status } }
}`;
type Link = { id: string; name: string; status: string } | null;
type Lineage = { token: { id: string; rotatedFrom: Link; replacedBy: Link } };

describeEachStore("a rotation's lineage", (server) => {
  it("links the old and the new token both ways, and a token never rotated to nothing", async () => {
    const org = await seedOrg(server);
    const team = await org.team();
    const old = await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      { organization: org.name, team, name: "deploy" },
      org.admin.secret,
    );
    const before = await server.gql<Lineage>(LINEAGE, { id: old.token.id }, org.admin.secret);
    expect(before.data!.token).toEqual({ id: old.token.id, rotatedFrom: null, replacedBy: null });

    const rotated = await server.gql<{ rotateToken: Created }>(
      ROTATE_TOKEN,
      { id: old.token.id, gracePeriodSeconds: 60 },
      org.admin.secret,
    );
    const fresh = rotated.data!.rotateToken.token;
    const newer = await server.gql<Lineage>(LINEAGE, { id: fresh.id }, org.admin.secret);
    expect(newer.data!.token).toEqual({
      id: fresh.id,
      rotatedFrom: { id: old.token.id, name: "deploy", status: "ACTIVE" },
      replacedBy: null,
    });
    const older = await server.gql<Lineage>(LINEAGE, { id: old.token.id }, org.admin.secret);
    expect(older.data!.token.replacedBy).toEqual({
      id: fresh.id,
      name: "deploy",
      status: "ACTIVE",
    });
  });
});
