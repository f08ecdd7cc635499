import { IsOptional, MaxLength } from "class-validator";
import { ArgsType, Field, ID, InputType, Int } from "type-graphql";
import { AuditEventType } from "./audit.types";

@InputType({
  description:
    "Every field but organization narrows the result. Without organization: the events of your own personal tokens.",
})
export class AuditEventFilter {
  @Field(() => String, {
    nullable: true,
    description:
      "The organization's trail, with the events of its members' personal tokens. Omitted: those of your own personal tokens.",
  })
  organization?: string | null;

  @Field(() => [AuditEventType], { nullable: true })
  types?: AuditEventType[] | null;

  @Field(() => String, {
    nullable: true,
    description: "A person's login, or the id of the token that acted.",
  })
  @IsOptional()
  @MaxLength(64, { message: "actor must be at most 64 characters long" })
  actor?: string | null;

  @Field(() => ID, { nullable: true, description: "Events about this token." })
  tokenId?: string | null;

  @Field(() => String, { nullable: true, description: "Team name (deleted teams included)." })
  team?: string | null;

  @Field(() => Date, { nullable: true, description: "At or after this instant." })
  since?: Date | null;

  @Field(() => Date, { nullable: true, description: "Before this instant." })
  until?: Date | null;
}

@ArgsType()
export class AuditEventsArgs {
  @Field(() => AuditEventFilter)
  filter: AuditEventFilter;

  @Field(() => Int, { nullable: true, description: "Page size: 50 by default, at most 500." })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;
}
