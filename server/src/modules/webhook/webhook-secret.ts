import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from "node:crypto";

/** Standard Webhooks: `whsec_` and the base64 of 24 to 64 random bytes (we use 32). */
export const SECRET_PREFIX = "whsec_";

export function generateSigningSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString("base64")}`;
}

/**
 * Encrypts signing secrets at rest with AES-256-GCM under a key derived from LAPSE_WEBHOOK_KEY.
 * A secret must be read back to sign, so it cannot be kept as a digest like a token's; a copy of
 * the database alone does not reveal it. The webhook's id is bound in as associated data, so a
 * ciphertext copied onto another webhook's row does not decrypt.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(keyText: string) {
    this.key = createHash("sha256").update(keyText, "utf8").digest();
  }

  seal(secret: string, webhookId: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(Buffer.from(webhookId, "utf8"));
    const body = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
    return ["v1", ...[iv, cipher.getAuthTag(), body].map((p) => p.toString("base64"))].join(".");
  }

  open(sealed: string, webhookId: string): string {
    const [version, iv, tag, body] = sealed.split(".");
    if (version !== "v1" || !iv || !tag || !body) {
      throw new Error("not a sealed webhook secret");
    }
    const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(iv, "base64"));
    decipher.setAAD(Buffer.from(webhookId, "utf8"));
    decipher.setAuthTag(Buffer.from(tag, "base64"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64")), decipher.final()]).toString(
      "utf8",
    );
  }
}

/**
 * The `webhook-signature` header of Standard Webhooks: `v1,<base64 HMAC-SHA256>` over
 * `<id>.<unix seconds>.<body>` with the secret's decoded bytes, one per secret, space-separated.
 */
export function signatureHeader(
  secrets: string[],
  messageId: string,
  timestampSeconds: number,
  body: string,
): string {
  return secrets
    .map((secret) => {
      const key = Buffer.from(secret.slice(SECRET_PREFIX.length), "base64");
      const mac = createHmac("sha256", key)
        .update(`${messageId}.${timestampSeconds}.${body}`, "utf8")
        .digest("base64");
      return `v1,${mac}`;
    })
    .join(" ");
}
