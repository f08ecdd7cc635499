import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity } from "typeorm";
import { CreatedAtColumn, IdColumn, RefColumn, TimeColumn } from "../../db/columns";

@ObjectType()
@Entity({ name: "teams" })
export class Team {
  @Field(() => ID)
  @IdColumn()
  id: string;

  @Field(() => String)
  @Column({ type: "varchar", length: 40 })
  name: string;

  /** The name while the team exists; cleared on deletion so a new team may take it. */
  @Column({ name: "active_name", type: "varchar", length: 40, nullable: true })
  activeName: string | null;

  @RefColumn("organization_id")
  organizationId: string;

  @Field(() => Date)
  @CreatedAtColumn()
  createdAt: Date;

  @Field(() => Date, {
    nullable: true,
    description: "Deleted teams keep their history; their tokens are revoked.",
  })
  @TimeColumn("deleted_at", { nullable: true })
  deletedAt: Date | null;
}
