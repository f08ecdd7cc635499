import { Matches } from "class-validator";
import { ArgsType, Field } from "type-graphql";
import { TeamRole } from "../team/team.types";
import { Edition, OrganizationRole } from "./organization.types";

export const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
export const SLUG_RULE =
  "1 to 40 lower-case letters, digits and hyphens, not starting or ending with a hyphen";
export const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38}[A-Za-z0-9])?$/;
export const LOGIN_RULE =
  "1 to 40 letters, digits and hyphens, not starting or ending with a hyphen";

@ArgsType()
export class CreateOrganizationArgs {
  @Field(() => String)
  @Matches(SLUG, { message: `name must be ${SLUG_RULE}` })
  name: string;

  @Field(() => Edition)
  edition: Edition;
}

@ArgsType()
export class SetOrganizationEditionArgs {
  @Field(() => String)
  organization: string;

  @Field(() => Edition)
  edition: Edition;
}

@ArgsType()
export class AddOrganizationMemberArgs {
  @Field(() => String)
  organization: string;

  @Field(() => String, { description: "Created as a new user if no user has this login yet." })
  @Matches(LOGIN, { message: `login must be ${LOGIN_RULE}` })
  login: string;

  @Field(() => OrganizationRole)
  role: OrganizationRole;
}

@ArgsType()
export class CreateTeamArgs {
  @Field(() => String)
  organization: string;

  @Field(() => String)
  @Matches(SLUG, { message: `team name must be ${SLUG_RULE}` })
  name: string;
}

@ArgsType()
export class AddTeamMemberArgs {
  @Field(() => String)
  organization: string;

  @Field(() => String)
  team: string;

  @Field(() => String, { description: "Must already be a member of the organization." })
  login: string;

  @Field(() => TeamRole)
  role: TeamRole;
}
