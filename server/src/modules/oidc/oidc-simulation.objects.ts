import { GraphQLJSONObject } from "graphql-scalars";
import { Field, Int, ObjectType, registerEnumType } from "type-graphql";
import { TokenKind } from "../token/token.types";
import { PolicyDecision } from "./oidc.types";

export enum OidcSimulationDecision {
  ALLOW = "ALLOW",
  DENY = "DENY",
  NO_MATCH = "NO_MATCH",
  UNPINNED = "UNPINNED",
}

registerEnumType(OidcSimulationDecision, {
  name: "OidcSimulationDecision",
  description:
    "What the policies decide: an ALLOW grants, a matching DENY wins, NO_MATCH is the default deny, and UNPINNED is an ALLOW that pins no repository or owner (it grants nothing).",
});

@ObjectType({ description: "One rule of a policy against the JWT's claims." })
export class OidcRuleCheck {
  @Field(() => String)
  claim: string;

  @Field(() => String)
  pattern: string;

  @Field(() => String, {
    nullable: true,
    description: "The claim's value; null when the JWT has no such string, number or boolean.",
  })
  value: string | null;

  @Field(() => Boolean)
  matched: boolean;
}

@ObjectType({ description: "One policy against the JWT and the token asked for." })
export class OidcPolicyCheck {
  @Field(() => Int, { description: "Its position in the policies, from 0." })
  index: number;

  @Field(() => PolicyDecision)
  decision: PolicyDecision;

  @Field(() => Boolean, { description: "Whether it is about the token asked for." })
  applies: boolean;

  @Field(() => Boolean, { description: "Whether it applies and every rule matched." })
  matched: boolean;

  @Field(() => String)
  reason: string;

  @Field(() => [OidcRuleCheck])
  rules: OidcRuleCheck[];
}

@ObjectType({ description: "The token an exchange of this JWT would mint (none is minted)." })
export class OidcSimulatedToken {
  @Field(() => TokenKind)
  kind: TokenKind;

  @Field(() => String, { nullable: true })
  team: string | null;

  @Field(() => String, { nullable: true })
  login: string | null;

  @Field(() => Boolean)
  admin: boolean;

  @Field(() => [String])
  scopes: string[];

  @Field(() => Int)
  expiresIn: number;

  @Field(() => Date, { description: "If it were minted now, by the server's clock." })
  expiresAt: Date;

  @Field(() => String, { description: "Its name; the last 8 characters are random at each mint." })
  name: string;
}

@ObjectType({
  description:
    "What an OIDC exchange would make of a JWT, judged by the exchange's own code, with nothing written.",
})
export class OidcSimulation {
  @Field(() => GraphQLJSONObject, { nullable: true, description: "The JWT's header, unverified." })
  header: Record<string, unknown> | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: "The JWT's claims, unverified." })
  claims: Record<string, unknown> | null;

  @Field(() => Boolean, {
    description: "Whether it is a JWT whose claims have the JSON types the exchange reads.",
  })
  wellFormed: boolean;

  @Field(() => String, { nullable: true })
  formatReason: string | null;

  @Field(() => Boolean)
  signatureValid: boolean;

  @Field(() => String)
  signatureReason: string;

  @Field(() => Boolean)
  issuerValid: boolean;

  @Field(() => String)
  issuerReason: string;

  @Field(() => Boolean)
  audienceValid: boolean;

  @Field(() => String)
  audienceReason: string;

  @Field(() => Boolean, {
    description:
      "Whether exp, nbf and iat hold at the server's clock (30 s leeway, an hour's age).",
  })
  lifetimeValid: boolean;

  @Field(() => String)
  lifetimeReason: string;

  @Field(() => Date, { nullable: true })
  expiresAt: Date | null;

  @Field(() => Date, { nullable: true })
  notBefore: Date | null;

  @Field(() => Date, { nullable: true })
  issuedAt: Date | null;

  @Field(() => Boolean, { description: "Whether this JWT's jti was exchanged before." })
  replayed: boolean;

  @Field(() => OidcSimulationDecision, {
    nullable: true,
    description: "Null when the JWT is too malformed to judge.",
  })
  decision: OidcSimulationDecision | null;

  @Field(() => Int, { nullable: true, description: "The policy that decided, from 0." })
  matchedPolicyIndex: number | null;

  @Field(() => String)
  decisionReason: string;

  @Field(() => [OidcPolicyCheck])
  policies: OidcPolicyCheck[];

  @Field(() => Boolean, { description: "Whether the exchange would mint a token." })
  allowed: boolean;

  @Field(() => OidcSimulatedToken, { nullable: true })
  token: OidcSimulatedToken | null;

  @Field(() => String, {
    nullable: true,
    description: "The exchange's RFC 6749 error code, when it would refuse.",
  })
  refusalCode: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The exchange's answer, when it would refuse.",
  })
  refusal: string | null;
}
