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

/** How this Lapse lets people sign in: single sign-on, a personal token, or both. */
export interface SignInMethods {
  sso: boolean;
  tokenSignIn: boolean;
}

/** Asks the server which sign-in methods it offers; a failure offers the token form alone. */
export async function signInMethods(): Promise<SignInMethods> {
  try {
    const response = await fetch("/api/session/methods");
    if (response.ok) return (await response.json()) as SignInMethods;
  } catch {
    // Offline or an old server: the token form still works where it is allowed.
  }
  return { sso: false, tokenSignIn: true };
}

/** Where the browser goes to sign in with SSO, carrying an invitation code when given. */
export function ssoStartUrl(invitation?: string): string {
  return invitation
    ? `/api/sso/start?invitation=${encodeURIComponent(invitation)}`
    : "/api/sso/start";
}
