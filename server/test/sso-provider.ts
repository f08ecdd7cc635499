import http from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";

/** What the provider says about a person signing in with `login` at its form. */
export interface IdpAccount {
  preferred_username?: string;
  email?: string;
}

/**
 * A real OpenID Connect provider (oidc-provider, the certified Node implementation) on 127.0.0.1,
 * with its development login form: any login and password sign in, and the account's claims are
 * `sub` and `preferred_username` equal to the login (unless `accounts` says otherwise) and an email.
 */
export class TestIdentityProvider {
  issuer = "";
  readonly clientId = "lapse";
  readonly clientSecret = "lapse-test-client-secret-0123456789";
  readonly accounts = new Map<string, IdpAccount>();
  private server: http.Server | null = null;

  /** Starts listening; `redirectUri` is Lapse's callback, registered for the client. */
  async start(redirectUri: string, port = 0): Promise<void> {
    this.server = http.createServer();
    await new Promise<void>((resolve) => this.server!.listen(port, "127.0.0.1", resolve));
    this.issuer = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    const provider = new Provider(this.issuer, {
      clients: [
        {
          client_id: this.clientId,
          client_secret: this.clientSecret,
          redirect_uris: [redirectUri],
          grant_types: ["authorization_code"],
          response_types: ["code"],
        },
      ],
      claims: { openid: ["sub"], profile: ["preferred_username"], email: ["email"] },
      // The id_token carries the scopes' claims, as Lapse reads the login from it.
      conformIdTokenClaims: false,
      features: { devInteractions: { enabled: true } },
      pkce: { required: () => true },
      findAccount: (_ctx, sub) => ({
        accountId: sub,
        claims: () => ({
          sub,
          preferred_username: this.accounts.get(sub)?.preferred_username ?? sub,
          email: this.accounts.get(sub)?.email ?? `${sub}@idp.example`,
        }),
      }),
    });
    this.server.on("request", provider.callback());
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

/** Cookies by name, as a browser would keep them for one site (paths ignored). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const index = pair!.indexOf("=");
      const name = pair!.slice(0, index);
      const value = pair!.slice(index + 1);
      if (value === "" || /max-age=0|expires=thu, 01 jan 1970/i.test(line))
        this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  set(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}

/**
 * Signs in at the provider as a browser would, from Lapse's start URL: follows redirects and
 * submits the provider's login form (as `login`) and its consent form, and stops at the redirect
 * back to Lapse, which it returns unvisited. `lapse` keeps Lapse's cookies, the provider's its own.
 */
export async function signInAtProvider(
  startUrl: string,
  login: string,
  lapse: CookieJar,
): Promise<URL> {
  const start = await fetch(startUrl, { redirect: "manual", headers: { cookie: lapse.header() } });
  lapse.take(start);
  if (start.status !== 302)
    throw new Error(`start answered ${start.status}: ${await start.text()}`);
  const idp = new CookieJar();
  const back = new URL(startUrl).origin;
  let next = new URL(start.headers.get("location")!);
  let form: URLSearchParams | null = null;
  for (let step = 0; step < 20; step++) {
    const response = await fetch(next, {
      redirect: "manual",
      method: form ? "POST" : "GET",
      headers: {
        cookie: idp.header(),
        ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}),
      },
      body: form ?? undefined,
    });
    idp.take(response);
    form = null;
    const location = response.headers.get("location");
    if (location) {
      next = new URL(location, next);
      if (next.origin === back) return next;
      continue;
    }
    const html = await response.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html);
    if (!action) throw new Error(`the provider answered ${response.status} with no form: ${html}`);
    next = new URL(action[1]!.replace(/&amp;/g, "&"), next);
    form = new URLSearchParams();
    for (const [, name, value] of html.matchAll(/<input[^>]*name="(\w+)"[^>]*value="([^"]*)"/g)) {
      form.set(name!, value!);
    }
    if (/name="login"/.test(html)) {
      form.set("login", login);
      form.set("password", "any password");
    }
  }
  throw new Error("the provider never redirected back to Lapse");
}
