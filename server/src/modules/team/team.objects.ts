import { Field, ObjectType } from "type-graphql";
import { User } from "../user/user.entity";
import { TeamRole } from "./team.types";

@ObjectType({ description: "A person in a team, with the role they hold there." })
export class TeamMember {
  @Field(() => User)
  user: User;

  @Field(() => TeamRole)
  role: TeamRole;
}
