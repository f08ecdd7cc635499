import { isIP } from "node:net";

/** Single sign-on through one OpenID Connect provider (LAPSE_SSO_*), as configured. */
export interface SsoSettings {
  /** The provider's issuer URL, as its discovery document names it. */
  issuer: string;
  clientId: string;
  /** Null for a public client, which proves itself with PKCE alone. */
  clientSecret: string | null;
  /** The id_token claim that is the Lapse login (preferred_username by default). */
  loginClaim: string;
  /** Lapse's own address as browsers reach it: the callback is `<publicUrl>/api/sso/callback`. */
  publicUrl: string;
}

/** How people may sign in to the console. */
export interface SignInSettings {
  sso: SsoSettings | null;
  /** Whether POST /api/session trades a personal token for a session (LAPSE_CONSOLE_TOKEN_SIGNIN). */
  tokenSignIn: boolean;
}

const CLAIM = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/;

/**
 * An http issuer is allowed on a loopback address only (a provider in the same machine or a test);
 * anywhere else the id_token's keys and the code exchange would cross the network in the clear.
 */
export function isLoopbackUrl(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (host === "localhost") return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1";
}

/** Reads LAPSE_PUBLIC_URL, LAPSE_SSO_* and LAPSE_CONSOLE_TOKEN_SIGNIN; throws a sentence naming the variable. */
export function readSignInSettings(env: NodeJS.ProcessEnv): SignInSettings {
  const issuer = env.LAPSE_SSO_ISSUER || null;
  const clientId = env.LAPSE_SSO_CLIENT_ID || null;
  const tokenSignInValue = env.LAPSE_CONSOLE_TOKEN_SIGNIN || "true";
  if (tokenSignInValue !== "true" && tokenSignInValue !== "false") {
    throw new Error(
      `LAPSE_CONSOLE_TOKEN_SIGNIN must be true or false, not "${env.LAPSE_CONSOLE_TOKEN_SIGNIN}".`,
    );
  }
  const tokenSignIn = tokenSignInValue === "true";
  if (!issuer) {
    const stray = ["LAPSE_SSO_CLIENT_ID", "LAPSE_SSO_CLIENT_SECRET", "LAPSE_SSO_LOGIN_CLAIM"].find(
      (name) => env[name],
    );
    if (stray) throw new Error(`${stray} is set but LAPSE_SSO_ISSUER is not; set both or neither.`);
    if (!tokenSignIn) {
      throw new Error(
        "LAPSE_CONSOLE_TOKEN_SIGNIN=false needs single sign-on (LAPSE_SSO_ISSUER), or nobody could sign in to the console.",
      );
    }
    return { sso: null, tokenSignIn };
  }
  const issuerUrl = URL.canParse(issuer) ? new URL(issuer) : null;
  if (
    !issuerUrl ||
    !(
      issuerUrl.protocol === "https:" ||
      (issuerUrl.protocol === "http:" && isLoopbackUrl(issuerUrl))
    )
  ) {
    throw new Error(
      `LAPSE_SSO_ISSUER must be an https URL (http only on a loopback address), not "${issuer}".`,
    );
  }
  if (!clientId) {
    throw new Error(
      "LAPSE_SSO_ISSUER is set but LAPSE_SSO_CLIENT_ID is not: give the client id the provider issued for Lapse.",
    );
  }
  const publicUrl = env.LAPSE_PUBLIC_URL || null;
  if (!publicUrl) {
    throw new Error(
      "LAPSE_SSO_ISSUER is set but LAPSE_PUBLIC_URL is not: give the address browsers reach Lapse at, such as https://lapse.example.com (the provider redirects to <it>/api/sso/callback).",
    );
  }
  const parsed = URL.canParse(publicUrl) ? new URL(publicUrl) : null;
  if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.search || parsed.hash) {
    throw new Error(
      `LAPSE_PUBLIC_URL must be an http or https URL without query or fragment, such as https://lapse.example.com, not "${publicUrl}".`,
    );
  }
  const loginClaim = env.LAPSE_SSO_LOGIN_CLAIM || "preferred_username";
  if (!CLAIM.test(loginClaim)) {
    throw new Error(
      `LAPSE_SSO_LOGIN_CLAIM must name one claim of the id_token, such as preferred_username or email, not "${loginClaim}".`,
    );
  }
  return {
    sso: {
      issuer,
      clientId,
      clientSecret: env.LAPSE_SSO_CLIENT_SECRET || null,
      loginClaim,
      publicUrl: publicUrl.replace(/\/+$/, ""),
    },
    tokenSignIn,
  };
}
