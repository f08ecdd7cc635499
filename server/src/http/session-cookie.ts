import type { IncomingHttpHeaders } from "node:http";
import type { Request, Response } from "express";

export const SESSION_COOKIE = "lapse_session";

/** The value of the request's cookie called `cookieName`, if it carries one. */
export function readCookie(
  req: { headers: IncomingHttpHeaders },
  cookieName: string,
): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === cookieName) return rest.join("=");
  }
  return undefined;
}

/** The session cookie's value, if the request carries one. */
export function readSessionCookie(req: { headers: IncomingHttpHeaders }): string | undefined {
  return readCookie(req, SESSION_COOKIE);
}

/**
 * Sets the session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site sends it),
 * Secure over HTTPS, and gone when the session ends.
 */
export function setSessionCookie(
  req: Request,
  res: Response,
  value: string,
  expiresAt: Date,
  now: Date,
): void {
  res.cookie(SESSION_COOKIE, value, {
    httpOnly: true,
    sameSite: "strict",
    secure: req.secure,
    path: "/",
    maxAge: Math.max(0, expiresAt.getTime() - now.getTime()),
  });
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.append("Set-Cookie", sessionCookieClearing(req.secure));
}

/**
 * The Set-Cookie header that drops the session cookie, as Express's `res.clearCookie` writes it;
 * also for the gateway check, which answers outside Express.
 */
export function sessionCookieClearing(secure: boolean): string {
  const attributes = ["Path=/", "Expires=Thu, 01 Jan 1970 00:00:00 GMT", "HttpOnly"];
  if (secure) attributes.push("Secure");
  return [`${SESSION_COOKIE}=`, ...attributes, "SameSite=Strict"].join("; ");
}
