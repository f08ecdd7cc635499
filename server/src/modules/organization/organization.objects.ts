import { Field, ObjectType } from "type-graphql";
import { User } from "../user/user.entity";
import { OrganizationRole } from "./organization.types";

@ObjectType()
export class OrganizationMember {
  @Field(() => User)
  user: User;

  @Field(() => OrganizationRole)
  role: OrganizationRole;
}
