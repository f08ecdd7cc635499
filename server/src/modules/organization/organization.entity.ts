import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity } from "typeorm";
import { CreatedAtColumn, IdColumn } from "../../db/columns";
import { Edition } from "./organization.types";

@ObjectType()
@Entity({ name: "organizations" })
export class Organization {
  @Field(() => ID)
  @IdColumn()
  id: string;

  @Field(() => String, { description: "A slug: lower-case letters, digits and hyphens." })
  @Column({ type: "varchar", length: 40 })
  name: string;

  @Field(() => Edition)
  @Column({ type: "varchar", length: 32 })
  edition: Edition;

  @Field(() => Date)
  @CreatedAtColumn()
  createdAt: Date;
}
