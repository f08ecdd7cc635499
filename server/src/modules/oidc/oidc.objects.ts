import { Field, Int, ObjectType } from "type-graphql";

@ObjectType({ description: "The answer of an OIDC token exchange (RFC 8693)." })
export class ExchangedToken {
  @Field(() => String)
  accessToken: string;

  @Field(() => String)
  issuedTokenType: string;

  @Field(() => String)
  tokenType: string;

  @Field(() => Int)
  expiresIn: number;
}
