import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, JoinColumn, ManyToOne } from "typeorm";
import { Organization } from "../organization/organization.entity";
import { CreatedAtColumn, IdColumn, RefColumn, TimeColumn } from "../../db/columns";
import { expiresAtTransformer } from "../../db/never-expires";
import { lapseScopesOf } from "../../auth/scopes";
import { TokenKind, TokenSource, TokenStatus } from "./token.types";

/** Scopes as one space-separated text column: "" is no scope at all, null predates scopes. */
const scopeList = {
  to: (words: string[] | null | undefined) => (words == null ? null : words.join(" ")),
  from: (text: string | null) => (text === null ? null : text.split(" ").filter(Boolean)),
};

/** Networks as one space-separated text column; none is null. */
const networkList = {
  to: (words: string[] | null | undefined) => (words && words.length ? words.join(" ") : null),
  from: (text: string | null) => (text ? text.split(" ") : []),
};

@ObjectType({
  description:
    "An API access token. Its secret is shown once, by the call that creates it; Lapse keeps only a SHA-256 digest.",
})
@Entity({ name: "access_tokens" })
export class AccessToken {
  @Field(() => ID)
  @IdColumn()
  id: string;

  @Field(() => TokenKind)
  @Column({ type: "varchar", length: 16 })
  kind: TokenKind;

  @Field(() => String)
  @Column({ type: "varchar", length: 40 })
  name: string;

  @Field(() => String, { nullable: true })
  @Column({ type: "varchar", length: 1024, nullable: true })
  description: string | null;

  /** SHA-256 of the secret, hex. Never exposed. */
  @Column({ type: "varchar", length: 64 })
  digest: string;

  @Field(() => String, {
    description: "The secret's prefix and last four characters, to recognise it.",
  })
  @Column({ type: "varchar", length: 32 })
  hint: string;

  @Field(() => Boolean, { description: "Whether an organization token acts with admin rights." })
  @Column({ type: "boolean", default: false })
  admin: boolean;

  @Field(() => TokenSource)
  @Column({ type: "varchar", length: 16 })
  source: TokenSource;

  @RefColumn("organization_id", { nullable: true })
  organizationId: string | null;

  /** Loaded with the token when it authenticates, for the organization's policy. Not a GraphQL field. */
  @ManyToOne(() => Organization)
  @JoinColumn({ name: "organization_id" })
  org?: Organization | null;

  @RefColumn("team_id", { nullable: true })
  teamId: string | null;

  @RefColumn("owner_id", { nullable: true })
  ownerId: string | null;

  @RefColumn("created_by_id", { nullable: true })
  createdById: string | null;

  /**
   * The name while it is taken, judged by unique indexes: a team or organization token keeps it
   * until rotated (revoked ones too); a personal token while active (cleared on revocation,
   * rotation, or when an expired token's name is taken again).
   */
  @Column({ name: "name_key", type: "varchar", length: 40, nullable: true })
  nameKey: string | null;

  /** For tokens minted by OIDC exchange: the trusted issuer and the JWT's subject. */
  @RefColumn("oidc_issuer_id", { nullable: true })
  oidcIssuerId: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The OIDC subject (sub) a token minted by exchange was issued for.",
  })
  @Column({ name: "oidc_subject", type: "varchar", length: 255, nullable: true })
  oidcSubject: string | null;

  @Field(() => ID, { nullable: true, description: "The token this one replaced by rotation." })
  @RefColumn("replaced_token_id", { nullable: true })
  replacedTokenId: string | null;

  @Field(() => Date)
  @CreatedAtColumn()
  createdAt: Date;

  @Field(() => Date, {
    nullable: true,
    description: "From this instant the token is refused; null: never.",
  })
  @Column({
    name: "expires_at",
    type: "datetime",
    precision: 3,
    transformer: expiresAtTransformer,
  })
  expiresAt: Date | null;

  @Field(() => Date, { nullable: true })
  @TimeColumn("revoked_at", { nullable: true })
  revokedAt: Date | null;

  @Field(() => Date, {
    nullable: true,
    description:
      "When the token was rotated; it stays usable until revokedAt, the end of any grace period.",
  })
  @TimeColumn("rotated_at", { nullable: true })
  rotatedAt: Date | null;

  @Field(() => Date, { nullable: true, description: "Updated at most once a minute." })
  @TimeColumn("last_used_at", { nullable: true })
  lastUsedAt: Date | null;

  /** When a refused use was last audited; throttles TOKEN_USE_REFUSED to one a minute. */
  @TimeColumn("last_refused_at", { nullable: true })
  lastRefusedAt: Date | null;

  /** When the expiry sweep wrote this token's TOKEN_EXPIRED event. */
  @TimeColumn("expiry_recorded_at", { nullable: true })
  expiryRecordedAt: Date | null;

  /**
   * Space-separated scopes, sorted. Null only for a row written by an instance older than scopes
   * (during a rolling upgrade): it holds every Lapse scope of its kind, as tokens did then. Read it
   * through `grantedScopes`.
   */
  @Column({ type: "text", nullable: true, transformer: scopeList })
  scopes: string[] | null;

  @Field(() => [String], {
    description: "Networks (CIDR) the token may be used from; empty: anywhere.",
  })
  @Column({ name: "allowed_cidrs", type: "text", nullable: true, transformer: networkList })
  allowedCidrs: string[];

  /** What the token may do: Lapse's scopes and the organization's own. */
  get grantedScopes(): string[] {
    return this.scopes ?? lapseScopesOf(this.kind);
  }

  /** ACTIVE, EXPIRED or REVOKED at `now`; a revocation takes precedence over expiry. */
  statusAt(now: Date): TokenStatus {
    if (this.revokedAt !== null && this.revokedAt.getTime() <= now.getTime())
      return TokenStatus.REVOKED;
    if (this.expiresAt !== null && this.expiresAt.getTime() <= now.getTime())
      return TokenStatus.EXPIRED;
    return TokenStatus.ACTIVE;
  }
}
