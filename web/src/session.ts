import { forgetSession, rememberSession } from "./session-end";

/** Sign-in trades a personal token for an HttpOnly session cookie; the token itself is not kept. */
export async function signIn(token: string): Promise<{ login: string; expiresAt: string }> {
  const response = await fetch("/api/session", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token }),
  });
  const body = (await response.json()) as {
    login?: string;
    expiresAt?: string;
    tokenExpiresAt?: string | null;
    message?: string;
  };
  if (!response.ok) throw new Error(body.message ?? "Sign-in failed.");
  rememberSession({ expiresAt: body.expiresAt!, tokenExpiresAt: body.tokenExpiresAt ?? null });
  return { login: body.login!, expiresAt: body.expiresAt! };
}

/** Ends the session on the server, not just in this tab. */
export async function signOut(): Promise<void> {
  forgetSession();
  await fetch("/api/session", { method: "DELETE" });
}
