import { Column, Entity } from "typeorm";
import { IdColumn, RefColumn, TimeColumn } from "../../db/columns";

/** A JWT id already exchanged; the unique index refuses it a second time on any instance. */
@Entity({ name: "oidc_jtis" })
export class OidcJti {
  @IdColumn()
  id: string;

  @RefColumn("issuer_id")
  issuerId: string;

  @Column({ name: "jti_digest", type: "varchar", length: 64 })
  jtiDigest: string;

  @TimeColumn("expires_at")
  expiresAt: Date;
}
