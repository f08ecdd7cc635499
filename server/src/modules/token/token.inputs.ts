import { IsOptional, Length, Matches, MaxLength } from "class-validator";
import { ArgsType, Field, ID, InputType, Int } from "type-graphql";
import { TokenKind, TokenStatus } from "./token.types";

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
}

@ArgsType()
export class TokensArgs {
  @Field(() => TokenFilter, { nullable: true })
  filter?: TokenFilter | null;

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
