import type { AuthThrottleService } from "../../auth/auth-throttle";
import { retryAfterSeconds } from "../../auth/authenticate.middleware";
import { Action, authorize } from "../../auth/authorization";
import { digestSecret } from "../../auth/token-secret";
import type { RequestContext } from "../../context";
import { badUserInput, serviceUnavailable, unauthenticated } from "../../errors/lapse-error";
import { LeakReportsThrottled, PartnerKeysUnavailable } from "./leak.errors";
import {
  leakReportKey,
  type FoundAt,
  type LeakedCredentialService,
} from "./leaked-credential.service";
import { signatureValid, type SecretScanningKeys } from "./secret-scanning-keys";

/** What GitHub sends for each match: the secret, its type's name, where it was found. */
interface PartnerMatch {
  token?: unknown;
  type?: unknown;
  url?: unknown;
  source?: unknown;
}

/** GitHub's false-positive feedback for one match. */
export interface PartnerLabel {
  token_raw: string;
  token_type: string;
  label: "true_positive" | "false_positive";
}

export interface PartnerSignature {
  keyId: string | undefined;
  signature: string | undefined;
}

/**
 * Alerts from GitHub's secret-scanning partner program: a JSON list of `{token, type, url, source}`
 * signed with one of the keys GitHub publishes (ECDSA P-256, SHA-256, over the body as sent). A
 * signed alert revokes the live tokens among its matches, recording where each was found, and is
 * answered with GitHub's feedback format: `true_positive` for a secret Lapse issued (live or not),
 * `false_positive` for anything else. Only GitHub can sign, so only GitHub learns which were ours.
 */
export class SecretScanningService {
  constructor(
    private readonly keys: SecretScanningKeys,
    private readonly leaks: LeakedCredentialService,
    private readonly throttle: AuthThrottleService,
  ) {}

  /**
   * Verifies the signature, then revokes. A missing or bad signature changes nothing and counts
   * against the sender's address like a failed authentication (its own counter, as reports have).
   * Throws UNAUTHENTICATED (signature), BAD_USER_INPUT (not a JSON list), SERVICE_UNAVAILABLE (the
   * keys could not be fetched), LeakReportsThrottled.
   */
  async receive(
    ctx: RequestContext,
    route: string,
    body: Buffer,
    signed: PartnerSignature,
  ): Promise<PartnerLabel[]> {
    authorize(ctx, Action.ReceiveSecretScanningAlert);
    const key = leakReportKey(ctx.ip);
    const nowMs = ctx.clock.now().getTime();
    const throttled = (until: number) =>
      new LeakReportsThrottled(retryAfterSeconds({ retryAfterMs: until - nowMs }));
    const lockedUntil = this.throttle.lockedOutLocally([key], nowMs);
    if (lockedUntil) throw throttled(lockedUntil);
    const refusal = await this.signatureRefusal(body, signed, nowMs);
    if (refusal) {
      ctx.logger.info({ requestId: ctx.requestId }, `secret-scanning alert refused: ${refusal}`);
      const until = await this.throttle.recordFailure([key], nowMs);
      if (until) throw throttled(until);
      throw unauthenticated(
        `${refusal} Alerts are accepted only when signed by GitHub secret scanning (Github-Public-Key-Identifier and Github-Public-Key-Signature).`,
      );
    }
    const matches = parseMatches(body);
    const outcome = await this.leaks.revoke(
      ctx,
      route,
      matches.map((match) => ({ secret: match.token, found: foundAt(match) })),
    );
    return matches.map((match) => ({
      token_raw: match.token,
      token_type: typeof match.type === "string" ? match.type : "",
      label: outcome.issued.has(digestSecret(match.token)) ? "true_positive" : "false_positive",
    }));
  }

  /** Why the signature does not hold (a sentence), or null when it does. */
  private async signatureRefusal(
    body: Buffer,
    { keyId, signature }: PartnerSignature,
    nowMs: number,
  ): Promise<string | null> {
    if (!keyId || !signature) return "The request is not signed.";
    let key;
    try {
      key = await this.keys.key(keyId, nowMs);
    } catch (error) {
      if (!(error instanceof PartnerKeysUnavailable)) throw error;
      throw serviceUnavailable(
        "The secret-scanning partner's public keys could not be fetched; try again later.",
      );
    }
    if (!key) return "The signing key is not one the partner publishes.";
    return signatureValid(body, signature, key) ? null : "The signature does not match the body.";
  }
}

/** The matches of a signed body; entries without a string token are skipped. */
function parseMatches(body: Buffer): (PartnerMatch & { token: string })[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed)) {
    throw badUserInput('Send a JSON list of {"token", "type", "url", "source"} matches.');
  }
  return (parsed as unknown[]).filter(
    (match): match is PartnerMatch & { token: string } =>
      typeof match === "object" &&
      match !== null &&
      typeof (match as PartnerMatch).token === "string",
  );
}

/** Where a match was found, cut to lengths an audit event keeps. */
function foundAt(match: PartnerMatch): FoundAt {
  const text = (value: unknown, max: number) =>
    typeof value === "string" ? value.slice(0, max) : null;
  return {
    type: text(match.type, 100),
    url: text(match.url, 2048),
    source: text(match.source, 100),
  };
}
