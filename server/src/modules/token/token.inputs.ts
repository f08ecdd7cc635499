import { IsInt, IsOptional, Length, Matches, Max, MaxLength, Min } from "class-validator";
import { ArgsType, Field, ID, InputType, Int, registerEnumType } from "type-graphql";
import { TokenKind, TokenSource, TokenStatus } from "./token.types";

// Printable text with no control characters and no white space at either end.
const NAME = /^(?!\s)[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]*(?<!\s)$/u;

@ArgsType()
export class CreatePersonalTokenArgs {
  @Field(() => String, {
    description: "1 to 40 characters; unique among your active personal tokens.",
  })
  @Length(1, 40, { message: "name must be 1 to 40 characters long" })
  @Matches(NAME, {
    message: "name must not contain control characters or start or end with white space",
  })
  name: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(1024, { message: "description must be at most 1024 characters long" })
  // eslint-disable-next-line no-control-regex -- the rule is about exactly these characters
  @Matches(/^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]*$/, {
    message: "description must not contain control characters other than line breaks and tabs",
  })
  description?: string | null;

  @Field(() => Date, {
    nullable: true,
    description:
      "When the token stops working: in the future and at most two years ahead. Null: never.",
  })
  expiresAt?: Date | null;

  @Field(() => [String], {
    nullable: true,
    description:
      "Lapse's scopes (tokens:read, tokens:write, audit:read, org:admin for personal tokens, tokens:introspect) and the organization's own (lower-case words joined by colons, at most 64 characters, 50 in all). Omitted: every Lapse scope the token's kind may hold and the calling token holds.",
  })
  scopes?: string[] | null;

  @Field(() => [String], {
    nullable: true,
    description:
      "IPv4 and IPv6 networks (CIDR, at most 20) the token may be used from. Omitted: anywhere, or the networks of the token making it if that one is bound.",
  })
  allowedCidrs?: string[] | null;
}

@ArgsType()
export class CreateTeamTokenArgs extends CreatePersonalTokenArgs {
  @Field(() => String)
  organization: string;

  @Field(() => String)
  team: string;
}

@ArgsType()
export class CreateOrganizationTokenArgs extends CreatePersonalTokenArgs {
  @Field(() => String)
  organization: string;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: "Act with admin rights (still unable to create or revoke organization tokens).",
  })
  admin?: boolean;
}

@InputType({
  description: "Every field narrows the result; leave a field out to not filter on it.",
})
export class TokenFilter {
  @Field(() => String, { nullable: true, description: "Tokens of this organization you may see." })
  organization?: string | null;

  @Field(() => String, { nullable: true, description: "Team name; needs organization." })
  team?: string | null;

  @Field(() => [TokenKind], { nullable: true })
  kinds?: TokenKind[] | null;

  @Field(() => [TokenStatus], { nullable: true })
  statuses?: TokenStatus[] | null;

  @Field(() => Date, {
    nullable: true,
    description: "Expires after this instant (never-expiring excluded).",
  })
  expiresAfter?: Date | null;

  @Field(() => Date, { nullable: true, description: "Expires before this instant." })
  expiresBefore?: Date | null;

  @Field(() => Boolean, { nullable: true })
  neverExpires?: boolean | null;

  @Field(() => String, { nullable: true, description: "Login of the user who created the token." })
  createdBy?: string | null;

  @Field(() => String, { nullable: true, description: "Login of a personal token's owner." })
  owner?: string | null;

  @Field(() => String, { nullable: true, description: "Name prefix, case-sensitive." })
  @IsOptional()
  @MaxLength(40, { message: "search must be at most 40 characters long" })
  search?: string | null;

  @Field(() => Date, {
    nullable: true,
    description:
      "Not used since this instant: last used before it, or never used and created before it.",
  })
  lastUsedBefore?: Date | null;

  @Field(() => Boolean, {
    nullable: true,
    description: "true: never used; false: used at least once.",
  })
  neverUsed?: boolean | null;

  @Field(() => TokenSource, { nullable: true })
  source?: TokenSource | null;

  @Field(() => Int, {
    nullable: true,
    description: "Active and expiring within this many days from now (1 to 3650).",
  })
  @IsOptional()
  @IsInt({ message: "expiringWithinDays must be a whole number" })
  @Min(1, { message: "expiringWithinDays must be from 1 to 3650" })
  @Max(3650, { message: "expiringWithinDays must be from 1 to 3650" })
  expiringWithinDays?: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      "true: active tokens the organization's lifetime policy refuses (never expiring, or expiring beyond the cap; OIDC tokens exempt). Needs organization.",
  })
  violatesPolicy?: boolean | null;
}

export enum TokenOrderField {
  EXPIRES_AT = "EXPIRES_AT",
  CREATED_AT = "CREATED_AT",
  LAST_USED_AT = "LAST_USED_AT",
  NAME = "NAME",
}

export enum OrderDirection {
  ASC = "ASC",
  DESC = "DESC",
}

registerEnumType(TokenOrderField, { name: "TokenOrderField" });
registerEnumType(OrderDirection, { name: "OrderDirection" });

@InputType({
  description:
    "Ties are broken by id in the same direction. Never-used tokens sort as the oldest use.",
})
export class TokenOrder {
  @Field(() => TokenOrderField)
  field: TokenOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.ASC })
  direction: OrderDirection;
}

@ArgsType()
export class TokensArgs {
  @Field(() => TokenFilter, { nullable: true })
  filter?: TokenFilter | null;

  @Field(() => TokenOrder, {
    nullable: true,
    description: "Default: expiresAt ascending, never-expiring last.",
  })
  orderBy?: TokenOrder | null;

  @Field(() => Int, { nullable: true, description: "Page size: 50 by default, at most 500." })
  first?: number | null;

  @Field(() => String, { nullable: true, description: "The endCursor of the previous page." })
  after?: string | null;
}

@ArgsType()
export class TokenIdArgs {
  @Field(() => ID)
  id: string;
}

@ArgsType()
export class RotateTokenArgs {
  @Field(() => ID)
  id: string;

  @Field(() => Date, {
    nullable: true,
    description:
      "The new token's expiry: at most the old token's original lifetime from now. Default: that, capped by policy and, rotating another token, by the calling token's expiry.",
  })
  expiresAt?: Date | null;

  @Field(() => Int, {
    nullable: true,
    defaultValue: 0,
    description: "How long the old token keeps working, 0 to 86400 seconds.",
  })
  @IsOptional()
  @IsInt({ message: "gracePeriodSeconds must be a whole number" })
  @Min(0, { message: "gracePeriodSeconds must be from 0 to 86400" })
  @Max(86400, { message: "gracePeriodSeconds must be from 0 to 86400" })
  gracePeriodSeconds?: number | null;

  @Field(() => [String], {
    nullable: true,
    description: "Narrower scopes for the new token. Omitted: the old token's.",
  })
  scopes?: string[] | null;
}
