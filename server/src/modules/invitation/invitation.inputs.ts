import { Matches } from "class-validator";
import { ArgsType, Field, ID } from "type-graphql";
import { LOGIN, LOGIN_RULE } from "../organization/organization.inputs";
import { OrganizationRole } from "../organization/organization.types";

@ArgsType()
export class InviteMemberArgs {
  @Field(() => String)
  organization: string;

  @Field(() => String, { description: "The login the new member will have." })
  @Matches(LOGIN, { message: `login must be ${LOGIN_RULE}` })
  login: string;

  @Field(() => OrganizationRole)
  role: OrganizationRole;

  @Field(() => Date, {
    nullable: true,
    description: "Default: seven days from now; at most 30 days ahead.",
  })
  expiresAt?: Date | null;
}

@ArgsType()
export class RedeemInvitationArgs {
  @Field(() => String)
  code: string;

  @Field(() => String, { description: "Name of the first personal token." })
  tokenName: string;

  @Field(() => Date, {
    nullable: true,
    description: "The first token's expiry; default: never, or the organization's policy cap.",
  })
  expiresAt?: Date | null;
}

@ArgsType()
export class InvitationsArgs {
  @Field(() => String)
  organization: string;
}

@ArgsType()
export class CancelInvitationArgs {
  @Field(() => ID)
  id: string;
}
