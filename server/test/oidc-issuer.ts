import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from "jose";

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/**
 * A stand-in for GitHub Actions' OIDC provider on 127.0.0.1: discovery document, JWKS, and JWTs
 * with GitHub's claims. Counts fetches so tests can see the key cache and its cool-down.
 */
export class TestOidcIssuer {
  url = "";
  jwksFetches = 0;
  discoveryFetches = 0;
  private server!: Server;
  private keys: SigningKey[] = [];

  async start(): Promise<void> {
    this.keys = [await TestOidcIssuer.newKey()];
    this.server = createServer((req, res) => {
      res.setHeader("content-type", "application/json");
      if (req.url === "/.well-known/openid-configuration") {
        this.discoveryFetches += 1;
        res.end(JSON.stringify({ issuer: this.url, jwks_uri: `${this.url}/jwks` }));
      } else if (req.url === "/jwks") {
        this.jwksFetches += 1;
        res.end(JSON.stringify({ keys: this.keys.map((k) => k.publicJwk) }));
      } else {
        res.statusCode = 404;
        res.end("{}");
      }
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server.close(resolve));
  }

  static async newKey(kid: string = randomUUID()): Promise<SigningKey> {
    const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
    return {
      kid,
      privateKey,
      publicJwk: { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" },
    };
  }

  /** The public keys as a JWKS document (for registering an issuer with static keys). */
  jwks(): { keys: JWK[] } {
    return { keys: this.keys.map((k) => k.publicJwk) };
  }

  /** Publishes a new key and signs with it from now on; the old one is withdrawn. */
  async rotateKey(): Promise<void> {
    this.keys = [await TestOidcIssuer.newKey()];
  }

  get currentKey(): SigningKey {
    return this.keys[0]!;
  }

  /** GitHub Actions' claims for a workflow run of acme/infra on main, five minutes' lifetime. */
  githubClaims(audience: string, now: Date): Record<string, unknown> {
    const iat = Math.floor(now.getTime() / 1000);
    return {
      iss: this.url,
      aud: audience,
      sub: "repo:acme/infra:ref:refs/heads/main",
      repository: "acme/infra",
      repository_id: "123456",
      repository_owner: "acme",
      repository_owner_id: "7890",
      job_workflow_ref: "acme/infra/.github/workflows/deploy.yml@refs/heads/main",
      ref: "refs/heads/main",
      jti: randomUUID(),
      iat,
      nbf: iat,
      exp: iat + 300,
    };
  }

  /** Signs `claims` with the current key (or `key`), RS256 and its kid unless told otherwise. */
  async sign(
    claims: Record<string, unknown>,
    options: { key?: SigningKey; kid?: string } = {},
  ): Promise<string> {
    const key = options.key ?? this.currentKey;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid: options.kid ?? key.kid, typ: "JWT" })
      .sign(key.privateKey);
  }
}
