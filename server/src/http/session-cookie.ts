import type { Request, Response } from "express";

export const SESSION_COOKIE = "lapse_session";

/** The value of the request's cookie called `cookieName`, if it carries one. */
export function readCookie(req: Request, cookieName: string): string | undefined {
  for (const part of (req.get("cookie") ?? "").split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === cookieName) return rest.join("=");
  }
  return undefined;
}

/** The session cookie's value, if the request carries one. */
export function readSessionCookie(req: Request): string | undefined {
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
  res.clearCookie(SESSION_COOKIE, {
    httpOnly: true,
    sameSite: "strict",
    secure: req.secure,
    path: "/",
  });
}
