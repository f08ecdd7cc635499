import { Field, ID, Int, ObjectType } from "type-graphql";
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

  @Field(() => Int, {
    nullable: true,
    description: "The longest a team or organization token may live, in days; null: no cap.",
  })
  @Column({ name: "max_token_lifetime_days", type: "int", nullable: true })
  maxTokenLifetimeDays: number | null;

  /** Days before expiry that warnings go out, e.g. "30,7,1"; null: the default (webhook module). */
  @Column({ name: "expiry_thresholds", type: "varchar", length: 64, nullable: true })
  expiryThresholds: string | null;

  @Field(() => Date)
  @CreatedAtColumn()
  createdAt: Date;
}
