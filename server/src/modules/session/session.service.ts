import { randomBytes } from "node:crypto";
import { v7 as uuidv7 } from "uuid";
import type { DataSource, EntityManager } from "typeorm";
import { digestSecret } from "../../auth/token-secret";
import type { RequestContext } from "../../context";
import { forbidden } from "../../errors/lapse-error";
import type { AccessToken } from "../token/access-token.entity";
import { TokenKind } from "../token/token.types";
import { User } from "../user/user.entity";
import { Session, SessionMethod } from "./session.entity";

/**
 * A console session lasts at most this long: never past its token's expiresAt, and for single
 * sign-on never past the identity provider's id_token.
 */
export const SESSION_MAX_MS = 12 * 3_600_000;

export interface SignedIn {
  cookie: string;
  session: Session;
  user: User;
}

/** Console sign-in: a personal token, or single sign-on, traded for a session cookie. */
export class SessionService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Opens a session for an authenticated personal token, ending no later than the token.
   * Throws FORBIDDEN for team and organization tokens: the console is for people.
   */
  async signIn(ctx: RequestContext, token: AccessToken): Promise<SignedIn> {
    if (token.kind !== TokenKind.PERSONAL || !token.ownerId) {
      throw forbidden(
        "Sign in to the console with a personal access token; team and organization tokens belong to no person.",
      );
    }
    return this.open(ctx, this.dataSource.manager, {
      method: SessionMethod.TOKEN,
      tokenId: token.id,
      userId: token.ownerId,
      email: null,
      notAfter: token.expiresAt,
    });
  }

  /**
   * Opens a single sign-on session for `user` inside `manager`'s transaction (the caller records the
   * sign-in there too), ending no later than the identity provider's id_token.
   */
  openSso(
    ctx: RequestContext,
    manager: EntityManager,
    userId: string,
    email: string | null,
    idTokenExpiresAt: Date,
  ): Promise<SignedIn> {
    return this.open(ctx, manager, {
      method: SessionMethod.SSO,
      tokenId: null,
      userId,
      email,
      notAfter: idTokenExpiresAt,
    });
  }

  private async open(
    ctx: RequestContext,
    manager: EntityManager,
    spec: Pick<Session, "method" | "tokenId" | "userId" | "email"> & { notAfter: Date | null },
  ): Promise<SignedIn> {
    const now = ctx.clock.now();
    const limit = now.getTime() + SESSION_MAX_MS;
    const expiresAt = new Date(Math.min(limit, spec.notAfter?.getTime() ?? limit));
    const cookie = randomBytes(32).toString("base64url");
    const session = manager.create(Session, {
      id: uuidv7(),
      digest: digestSecret(cookie),
      method: spec.method,
      tokenId: spec.tokenId,
      userId: spec.userId,
      email: spec.email,
      createdAt: now,
      expiresAt,
      endedAt: null,
    });
    await manager.insert(Session, session);
    const user = await manager.findOneByOrFail(User, { id: spec.userId });
    return { cookie, session, user };
  }

  /** Ends the session behind `cookie` on the server; unknown cookies are ignored. */
  async signOut(ctx: RequestContext, cookie: string): Promise<void> {
    await this.dataSource.manager
      .createQueryBuilder()
      .update(Session)
      .set({ endedAt: ctx.clock.now() })
      .where("digest = :digest AND ended_at IS NULL", { digest: digestSecret(cookie) })
      .execute();
  }
}
