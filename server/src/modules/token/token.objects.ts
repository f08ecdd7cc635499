import { Field, Int, ObjectType } from "type-graphql";
import { AccessToken } from "./access-token.entity";
import { TokenKind } from "./token.types";

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

@ObjectType({ description: "Who the request's token acts as." })
export class Viewer {
  @Field(() => TokenKind)
  kind: TokenKind;

  @Field(() => AccessToken)
  token: AccessToken;

  /** The acting user's id, for a personal token; user, team and organization resolve lazily. */
  userId: string | null;
}
