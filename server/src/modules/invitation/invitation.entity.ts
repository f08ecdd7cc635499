import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity } from "typeorm";
import { CreatedAtColumn, IdColumn, RefColumn, TimeColumn } from "../../db/columns";
import { OrganizationRole } from "../organization/organization.types";

@ObjectType({
  description: "A one-time code that lets a person join an organization and get a first token.",
})
@Entity({ name: "invitations" })
export class Invitation {
  @Field(() => ID)
  @IdColumn()
  id: string;

  @RefColumn("organization_id")
  organizationId: string;

  @Field(() => String)
  @Column({ type: "varchar", length: 40 })
  login: string;

  @Field(() => OrganizationRole)
  @Column({ type: "varchar", length: 16 })
  role: OrganizationRole;

  /** SHA-256 of the code; the code itself is shown once. */
  @Column({ name: "code_digest", type: "varchar", length: 64 })
  codeDigest: string;

  @RefColumn("created_by_id", { nullable: true })
  createdById: string | null;

  @Field(() => Date)
  @CreatedAtColumn()
  createdAt: Date;

  @Field(() => Date)
  @TimeColumn("expires_at")
  expiresAt: Date;

  @Field(() => Date, { nullable: true })
  @TimeColumn("redeemed_at", { nullable: true })
  redeemedAt: Date | null;

  @RefColumn("redeemed_by_id", { nullable: true })
  redeemedById: string | null;
}
