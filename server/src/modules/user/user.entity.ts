import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity } from "typeorm";
import { CreatedAtColumn, IdColumn } from "../../db/columns";

@ObjectType({
  description: "A person. People sign in with personal access tokens; there are no passwords.",
})
@Entity({ name: "users" })
export class User {
  @Field(() => ID)
  @IdColumn()
  id: string;

  @Field(() => String)
  @Column({ type: "varchar", length: 40 })
  login: string;

  @Field(() => Boolean, { description: "Site admins create organizations and set their edition." })
  @Column({ name: "site_admin", type: "boolean", default: false })
  siteAdmin: boolean;

  /** Where expiry digests go (set by the person); never a GraphQL field of User. */
  @Column({ type: "varchar", length: 254, nullable: true })
  email: string | null;

  @Field(() => Date)
  @CreatedAtColumn()
  createdAt: Date;
}
