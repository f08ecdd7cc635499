import { Field, ObjectType } from "type-graphql";
import { User } from "../user/user.entity";
import { Organization } from "./organization.entity";
import { OrganizationRole } from "./organization.types";

@ObjectType()
export class OrganizationMember {
  @Field(() => User)
  user: User;

  @Field(() => OrganizationRole)
  role: OrganizationRole;
}

@ObjectType({
  description: "An organization the caller belongs to, with the role they act with there.",
})
export class ViewerOrganization {
  @Field(() => Organization)
  organization: Organization;

  @Field(() => OrganizationRole)
  role: OrganizationRole;
}
