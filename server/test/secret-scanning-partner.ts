import { createHash, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface PartnerKey {
  id: string;
  privateKey: KeyObject;
  publicPem: string;
}

/**
 * A stand-in for GitHub's secret-scanning partner program on 127.0.0.1: it publishes public keys
 * in the shape of https://api.github.com/meta/public_keys/secret_scanning and signs alerts as GitHub
 * does (ECDSA P-256, SHA-256, DER, base64). Counts fetches so tests can see the cache.
 */
export class TestSecretScanningPartner {
  url = "";
  fetches = 0;
  /** While true, the key document answers 500. */
  failing = false;
  published: PartnerKey[] = [];
  private server!: Server;

  async start(): Promise<void> {
    this.server = createServer((_req, res) => {
      this.fetches += 1;
      res.setHeader("content-type", "application/json");
      if (this.failing) {
        res.statusCode = 500;
        res.end("{}");
        return;
      }
      res.end(
        JSON.stringify({
          public_keys: this.published.map((key, i) => ({
            key_identifier: key.id,
            key: key.publicPem,
            is_current: i === this.published.length - 1,
          })),
        }),
      );
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/meta/public_keys/secret_scanning`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** A new key, not yet published; its id is a SHA-256 in hex, as GitHub's are. */
  static newKey(type: "p256" | "p384" | "rsa" = "p256"): PartnerKey {
    const { privateKey, publicKey } =
      type === "rsa"
        ? generateKeyPairSync("rsa", { modulusLength: 2048 })
        : generateKeyPairSync("ec", { namedCurve: type === "p256" ? "prime256v1" : "secp384r1" });
    const publicPem = publicKey.export({ type: "spki", format: "pem" }).toString();
    return { id: createHash("sha256").update(publicPem).digest("hex"), privateKey, publicPem };
  }

  /** The headers GitHub sends with `body`, signed with `key`. */
  static headers(body: string, key: PartnerKey): Record<string, string> {
    return {
      "Github-Public-Key-Identifier": key.id,
      "Github-Public-Key-Signature": sign("sha256", Buffer.from(body), key.privateKey).toString(
        "base64",
      ),
    };
  }
}
