import { IsInt, IsOptional, Matches, Max, Min } from "class-validator";
import { ArgsType, Field, Int } from "type-graphql";
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

@ArgsType()
export class RemoveTeamMemberArgs {
  @Field(() => String)
  organization: string;

  @Field(() => String)
  team: string;

  @Field(() => String)
  login: string;
}

@ArgsType()
export class ChangeTeamRoleArgs extends RemoveTeamMemberArgs {
  @Field(() => TeamRole)
  role: TeamRole;
}

@ArgsType()
export class DeleteTeamArgs {
  @Field(() => String)
  organization: string;

  @Field(() => String)
  team: string;
}

@ArgsType()
export class OrganizationMemberArgs {
  @Field(() => String)
  organization: string;

  @Field(() => String)
  login: string;
}

@ArgsType()
export class ChangeOrganizationRoleArgs extends OrganizationMemberArgs {
  @Field(() => OrganizationRole)
  role: OrganizationRole;
}

@ArgsType()
export class TokenExpiryPolicyArgs {
  @Field(() => String)
  organization: string;

  @Field(() => Int, {
    nullable: true,
    description: "1 to 3650 days; null removes the cap.",
  })
  @IsOptional()
  @IsInt({ message: "maxTokenLifetimeDays must be a whole number of days" })
  @Min(1, { message: "maxTokenLifetimeDays must be from 1 to 3650, or null for no cap" })
  @Max(3650, { message: "maxTokenLifetimeDays must be from 1 to 3650, or null for no cap" })
  maxTokenLifetimeDays?: number | null;
}
