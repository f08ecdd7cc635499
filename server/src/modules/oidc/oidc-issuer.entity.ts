import { Field, ID, Int, ObjectType } from "type-graphql";
import { Column, Entity } from "typeorm";
import { CreatedAtColumn, IdColumn, RefColumn, TimeColumn } from "../../db/columns";

@ObjectType({
  description: "An OIDC provider (e.g. GitHub Actions) whose JWTs this organization trusts.",
})
@Entity({ name: "oidc_issuers" })
export class OidcIssuer {
  @Field(() => ID)
  @IdColumn()
  id: string;

  @RefColumn("organization_id")
  organizationId: string;

  @Field(() => String)
  @Column({ type: "varchar", length: 40 })
  name: string;

  @Field(() => String, {
    description: "Equals the JWTs' iss claim; keys come from its discovery document.",
  })
  @Column({ type: "varchar", length: 512 })
  url: string;

  /** A static JWKS (JSON) for issuers the server cannot reach; null: discover the keys. */
  @Column({ type: "text", nullable: true })
  jwks: string | null;

  @Field(() => Int, { description: "The longest-lived token an exchange may mint, in seconds." })
  @Column({ name: "max_expiration_seconds", type: "int" })
  maxExpirationSeconds: number;

  /** The authorization policies as JSON (OidcPolicy[]). */
  @Column({ type: "text", nullable: true })
  policies: string | null;

  @Field(() => Date)
  @CreatedAtColumn()
  createdAt: Date;

  @Field(() => Date)
  @TimeColumn("updated_at")
  updatedAt: Date;
}
