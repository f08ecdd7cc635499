import { IsInt, IsOptional, Matches, Max, MaxLength, Min } from "class-validator";
import { ArgsType, Field, ID, Int } from "type-graphql";
import { SLUG, SLUG_RULE } from "../organization/organization.inputs";
import { TokenKind } from "../token/token.types";
import { OidcPolicy } from "./oidc-policy";
import { MAX_EXPIRATION_SECONDS, MIN_EXPIRATION_SECONDS } from "./oidc.types";

const EXPIRATION_RULE = `maxExpirationSeconds must be from ${MIN_EXPIRATION_SECONDS} to ${MAX_EXPIRATION_SECONDS}`;

@ArgsType()
export class OidcIssuerFieldsArgs {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(SLUG, { message: `name must be ${SLUG_RULE}` })
  name?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The issuer URL, equal to the JWTs' iss; https, or http on loopback only.",
  })
  @IsOptional()
  @MaxLength(512, { message: "url must be at most 512 characters long" })
  url?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "A static JWKS as JSON, for issuers this server cannot reach; empty string: discover keys.",
  })
  @IsOptional()
  @MaxLength(65536, { message: "jwks must be at most 64 KiB" })
  jwks?: string | null;

  @Field(() => Int, { nullable: true, description: "Default 7200; at most 90000." })
  @IsOptional()
  @IsInt({ message: EXPIRATION_RULE })
  @Min(MIN_EXPIRATION_SECONDS, { message: EXPIRATION_RULE })
  @Max(MAX_EXPIRATION_SECONDS, { message: EXPIRATION_RULE })
  maxExpirationSeconds?: number | null;
}

@ArgsType()
export class RegisterOidcIssuerArgs extends OidcIssuerFieldsArgs {
  @Field(() => String)
  organization: string;
}

@ArgsType()
export class UpdateOidcIssuerArgs extends OidcIssuerFieldsArgs {
  @Field(() => ID)
  id: string;
}

@ArgsType()
export class OidcIssuerIdArgs {
  @Field(() => ID)
  id: string;
}

@ArgsType()
export class SetOidcIssuerPoliciesArgs {
  @Field(() => ID)
  issuerId: string;

  @Field(() => [OidcPolicy])
  policies: OidcPolicy[];
}

@ArgsType()
export class ExchangeOidcTokenArgs {
  @Field(() => String, { description: "urn:lapse:org:<organization>" })
  audience: string;

  @Field(() => String, { description: "The OIDC JWT." })
  subjectToken: string;

  @Field(() => String, {
    nullable: true,
    description: "urn:ietf:params:oauth:token-type:id_token (the default).",
  })
  subjectTokenType?: string | null;

  @Field(() => String, {
    description: "urn:lapse:token-type:access_token:{organization|team|personal}",
  })
  requestedTokenType: string;

  @Field(() => String, { nullable: true, description: "team:<name>, user:<login>, or admin." })
  scope?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: "Seconds; default 7200, clamped to the issuer's maximum.",
  })
  expiration?: number | null;
}

@ArgsType()
export class SimulateOidcExchangeArgs {
  @Field(() => ID)
  issuerId: string;

  @Field(() => String, {
    description: "The JWT to judge; never stored, logged or audited, and never exchanged.",
  })
  @MaxLength(16384, { message: "jwt must be at most 16 KiB; a CI job's OIDC token is far smaller" })
  jwt: string;

  @Field(() => TokenKind, { description: "The kind of token a CI job would ask for." })
  tokenType: TokenKind;

  @Field(() => String, {
    nullable: true,
    description: "As the exchange's scope: team:<name>, user:<login>, admin, or none.",
  })
  scope?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: "Seconds; default 7200, clamped to the issuer's maximum.",
  })
  @IsOptional()
  @IsInt({ message: "expiration must be a whole number of seconds" })
  @Min(1, { message: "expiration must be a whole number of seconds" })
  expiration?: number | null;

  @Field(() => [OidcPolicy], {
    nullable: true,
    description:
      "Unsaved policies to judge with instead of the stored ones (checked as setOidcIssuerPolicies checks them, never saved).",
  })
  policies?: OidcPolicy[] | null;
}
