import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity } from "typeorm";
import { CreatedAtColumn, IdColumn, RefColumn } from "../../db/columns";

@ObjectType()
@Entity({ name: "teams" })
export class Team {
  @Field(() => ID)
  @IdColumn()
  id: string;

  @Field(() => String)
  @Column({ type: "varchar", length: 40 })
  name: string;

  @RefColumn("organization_id")
  organizationId: string;

  @Field(() => Date)
  @CreatedAtColumn()
  createdAt: Date;
}
