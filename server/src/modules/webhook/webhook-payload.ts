import type { EntityManager } from "typeorm";
import { Organization } from "../organization/organization.entity";
import { Team } from "../team/team.entity";
import { AccessToken } from "../token/access-token.entity";
import { User } from "../user/user.entity";

/** A token as events describe it: everything a receiver needs to act, never its secret or digest. */
export interface TokenSummary {
  id: string;
  name: string;
  kind: string;
  /** What the token may do: Lapse's scopes and the organization's own. */
  scopes: string[];
  expiresAt: string | null;
  organization: string | null;
  team: string | null;
  owner: string | null;
  hint: string;
}

/**
 * The token with its organization's and team's names and its owner's login, in one read through
 * `manager` (the outbox runs in the creating transaction: one statement, not four).
 */
export async function summarizeToken(
  manager: EntityManager,
  tokenId: string,
): Promise<TokenSummary | null> {
  const token = (await manager
    .createQueryBuilder(AccessToken, "t")
    .leftJoinAndMapOne("t.org", Organization, "o", "o.id = t.organization_id")
    .leftJoinAndMapOne("t.teamRow", Team, "tm", "tm.id = t.team_id")
    .leftJoinAndMapOne("t.ownerRow", User, "u", "u.id = t.owner_id")
    .where("t.id = :tokenId", { tokenId })
    .getOne()) as (AccessToken & { teamRow?: Team | null; ownerRow?: User | null }) | null;
  if (!token) return null;
  return {
    id: token.id,
    name: token.name,
    kind: token.kind,
    scopes: token.grantedScopes,
    expiresAt: token.expiresAt?.toISOString() ?? null,
    organization: token.org?.name ?? null,
    team: token.teamRow?.name ?? null,
    owner: token.ownerRow?.login ?? null,
    hint: token.hint,
  };
}

/** The body of one delivery, as the issue fixes it: `{type, timestamp, data}`. */
export function eventBody(type: string, timestamp: Date, data: Record<string, unknown>): string {
  return JSON.stringify({ type, timestamp: timestamp.toISOString(), data });
}
