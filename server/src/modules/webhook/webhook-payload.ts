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
  /** Lapse tokens carry no scopes yet: always empty, kept so receivers need not change later. */
  scopes: string[];
  expiresAt: string | null;
  organization: string | null;
  team: string | null;
  owner: string | null;
  hint: string;
}

/** The token with its organization's and team's names and its owner's login, read through `manager`. */
export async function summarizeToken(
  manager: EntityManager,
  tokenId: string,
): Promise<TokenSummary | null> {
  const token = await manager.findOneBy(AccessToken, { id: tokenId });
  if (!token) return null;
  const [organization, team, owner] = await Promise.all([
    token.organizationId ? manager.findOneBy(Organization, { id: token.organizationId }) : null,
    token.teamId ? manager.findOneBy(Team, { id: token.teamId }) : null,
    token.ownerId ? manager.findOneBy(User, { id: token.ownerId }) : null,
  ]);
  return {
    id: token.id,
    name: token.name,
    kind: token.kind,
    scopes: [],
    expiresAt: token.expiresAt?.toISOString() ?? null,
    organization: organization?.name ?? null,
    team: team?.name ?? null,
    owner: owner?.login ?? null,
    hint: token.hint,
  };
}

/** The body of one delivery, as the issue fixes it: `{type, timestamp, data}`. */
export function eventBody(type: string, timestamp: Date, data: Record<string, unknown>): string {
  return JSON.stringify({ type, timestamp: timestamp.toISOString(), data });
}
