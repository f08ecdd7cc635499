import { randomBytes } from "node:crypto";
import { v7 as uuidv7 } from "uuid";
import type { DataSource } from "typeorm";
import { digestSecret } from "../../auth/token-secret";
import type { RequestContext } from "../../context";
import { forbidden } from "../../errors/lapse-error";
import type { AccessToken } from "../token/access-token.entity";
import { TokenKind } from "../token/token.types";
import { User } from "../user/user.entity";
import { Session } from "./session.entity";

/** A console session lasts at most this long, and never past its token's expiresAt. */
export const SESSION_MAX_MS = 12 * 3_600_000;

export interface SignedIn {
  cookie: string;
  session: Session;
  user: User;
}

/** Console sign-in: a personal token traded for a session cookie; the secret never reaches the browser's storage. */
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
    const now = ctx.clock.now();
    const limit = now.getTime() + SESSION_MAX_MS;
    const expiresAt = new Date(Math.min(limit, token.expiresAt?.getTime() ?? limit));
    const cookie = randomBytes(32).toString("base64url");
    const session = this.dataSource.manager.create(Session, {
      id: uuidv7(),
      digest: digestSecret(cookie),
      tokenId: token.id,
      userId: token.ownerId,
      createdAt: now,
      expiresAt,
      endedAt: null,
    });
    await this.dataSource.manager.insert(Session, session);
    const user = await this.dataSource.manager.findOneByOrFail(User, { id: token.ownerId });
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
