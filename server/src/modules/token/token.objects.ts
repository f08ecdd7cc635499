import { Field, Int, ObjectType } from "type-graphql";
import { AccessToken } from "./access-token.entity";
import { TokenKind, TokenStatus } from "./token.types";

@ObjectType({
  description: "A new token with its secret. The secret is shown here once and never again.",
})
export class CreatedToken {
  @Field(() => AccessToken)
  token: AccessToken;

  @Field(() => String)
  secret: string;
}

@ObjectType()
export class TokenEdge {
  @Field(() => String)
  cursor: string;

  @Field(() => AccessToken)
  node: AccessToken;
}

@ObjectType()
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage: boolean;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

@ObjectType({ description: "Tokens ordered by expiresAt ascending, never-expiring last, then id." })
export class TokenConnection {
  @Field(() => [TokenEdge])
  edges: TokenEdge[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;

  /** Counted only when a client asks for totalCount. */
  countTotal: () => Promise<number>;

  @Field(() => Int, { description: "All tokens matching the filter, across pages." })
  totalCount(): Promise<number> {
    return this.countTotal();
  }
}

@ObjectType({ description: "Who the request's token, or console session, acts as." })
export class Viewer {
  @Field(() => TokenKind)
  kind: TokenKind;

  @Field(() => AccessToken, {
    nullable: true,
    description: "The token the request is authenticated with; null for a single sign-on session.",
  })
  token: AccessToken | null;

  @Field(() => String, {
    nullable: true,
    description:
      "For a single sign-on session: the email the identity provider gave, shown and never trusted.",
  })
  ssoEmail: string | null;

  /** The acting user's id, for a personal token; user, team and organization resolve lazily. */
  userId: string | null;
}

@ObjectType({ description: "How many tokens of one kind have one status." })
export class TokenCount {
  @Field(() => TokenKind)
  kind: TokenKind;

  @Field(() => TokenStatus)
  status: TokenStatus;

  @Field(() => Int)
  count: number;
}

@ObjectType({ description: "Counts over the organization's tokens you may see, as of now." })
export class TokenStats {
  @Field(() => Int)
  total: number;

  @Field(() => [TokenCount], { description: "One entry per kind and status that has any tokens." })
  counts: TokenCount[];

  @Field(() => Int, { description: "Active tokens expiring within 24 hours." })
  expiringWithin1Day: number;

  @Field(() => Int)
  expiringWithin7Days: number;

  @Field(() => Int)
  expiringWithin30Days: number;

  @Field(() => Int, { description: "Active tokens that never expire." })
  neverExpiring: number;

  @Field(() => Int, {
    description: "Active tokens not used for 90 days (or never, and older than that).",
  })
  unused90Days: number;
}

@ObjectType({ description: "What a proposed lifetime cap would refuse, before it is saved." })
export class TokenExpiryPolicyPreview {
  @Field(() => Int, { nullable: true })
  maxTokenLifetimeDays: number | null;

  @Field(() => Int, { description: "Active tokens the cap would refuse from now on." })
  blockedCount: number;

  @Field(() => [AccessToken], { description: "The first 100 of them, soonest to expire first." })
  blockedTokens: AccessToken[];
}
