import { Field, ObjectType } from "type-graphql";
import { Invitation } from "./invitation.entity";

@ObjectType({
  description: "A new invitation with its code. The code is shown here once and never again.",
})
export class CreatedInvitation {
  @Field(() => Invitation)
  invitation: Invitation;

  @Field(() => String)
  code: string;
}
