import {
  compactVerify,
  decodeJwt,
  decodeProtectedHeader,
  errors as joseErrors,
  type JWTPayload,
  type JWTVerifyGetKey,
  type ProtectedHeaderParameters,
} from "jose";
import { KeysUnavailable } from "./oidc-keys";

/** Asymmetric algorithms only: never `none`, never HMAC (an issuer's public key is no shared secret). */
export const ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
];
export const CLOCK_TOLERANCE_S = 30;
/** A JWT older than this (by iat) is refused whatever its exp says. */
export const MAX_JWT_AGE_S = 3600;

/** One check of a JWT: whether it passed, and a sentence saying why either way. */
export interface JwtCheck {
  ok: boolean;
  reason: string;
}

/** The JWT as sent, decoded without trusting it: what the console shows. Null when it is no JWT. */
export interface DecodedJwt {
  header: ProtectedHeaderParameters;
  claims: JWTPayload;
}

/** Every check the exchange makes of a JWT's signature and registered claims, each with its verdict. */
export interface JwtChecks {
  signature: JwtCheck;
  issuer: JwtCheck;
  audience: JwtCheck;
  lifetime: JwtCheck;
  /** Set when the signing keys could not be had: the exchange answers temporarily_unavailable. */
  keysUnavailable?: KeysUnavailable;
}

/** Decodes a compact JWT without verifying it; null when it is not one. */
export function decodeUnverified(jwt: string): DecodedJwt | null {
  try {
    return { header: decodeProtectedHeader(jwt), claims: decodeJwt(jwt) };
  } catch {
    return null;
  }
}

const pass = (reason: string): JwtCheck => ({ ok: true, reason });
const fail = (reason: string): JwtCheck => ({ ok: false, reason });
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/**
 * Checks a JWT whose claims have the RFC 7519 types (see claimTypeProblem) the way the exchange
 * does: a signature by an allow-listed algorithm and a key of the issuer, `iss` equal to the
 * issuer's URL, exactly one `aud` equal to the organization's audience, and `exp`/`nbf`/`iat`
 * against `now` with 30 s leeway and at most an hour's age. Every check runs, so the console can
 * show all that is wrong at once; the exchange refuses on the first that fails (see firstFailure).
 */
export async function checkJwt(
  jwt: string,
  decoded: DecodedJwt,
  expected: { issuerUrl: string; audience: string; keys: () => Promise<JWTVerifyGetKey> },
  now: Date,
): Promise<JwtChecks> {
  const { claims } = decoded;
  const { signature, keysUnavailable } = await checkSignature(jwt, decoded, expected.keys);
  return {
    signature,
    keysUnavailable,
    issuer:
      claims.iss === expected.issuerUrl
        ? pass(`It was issued by ${expected.issuerUrl}.`)
        : fail(`its iss is not ${expected.issuerUrl}`),
    audience: checkAudience(claims.aud, expected.audience),
    lifetime: checkLifetime(claims, Math.floor(now.getTime() / 1000)),
  };
}

/** The first failed check in the order the exchange judges them, or null when all passed. */
export function firstFailure(checks: JwtChecks): JwtCheck | null {
  return (
    [checks.signature, checks.issuer, checks.audience, checks.lifetime].find((c) => !c.ok) ?? null
  );
}

async function checkSignature(
  jwt: string,
  decoded: DecodedJwt,
  keys: () => Promise<JWTVerifyGetKey>,
): Promise<{ signature: JwtCheck; keysUnavailable?: KeysUnavailable }> {
  // An unencoded payload (RFC 7797) would be verified over bytes other than the claims decoded.
  if (decoded.header.b64 === false)
    return { signature: fail("its payload is not base64url-encoded") };
  try {
    await compactVerify(jwt, await keys(), { algorithms: ALGORITHMS });
    return {
      signature: pass(`Its ${decoded.header.alg} signature verifies with the issuer's key.`),
    };
  } catch (error) {
    if (error instanceof KeysUnavailable) {
      return {
        signature: fail("the issuer's signing keys could not be fetched"),
        keysUnavailable: error,
      };
    }
    if (error instanceof joseErrors.JOSEError) return { signature: fail(signatureReason(error)) };
    throw error;
  }
}

/** A short reason from jose's error, never the JWT's content. */
function signatureReason(error: InstanceType<typeof joseErrors.JOSEError>): string {
  if (error instanceof joseErrors.JOSEAlgNotAllowed)
    return "its algorithm is not allowed (asymmetric algorithms only: RS, PS, ES or EdDSA)";
  if (error instanceof joseErrors.JWKSNoMatchingKey) return "no key of the issuer matches its kid";
  if (error instanceof joseErrors.JWKSMultipleMatchingKeys)
    return "several keys of the issuer match its kid";
  if (error instanceof joseErrors.JWSSignatureVerificationFailed)
    return "its signature does not verify";
  return `its signature could not be checked (${error.code})`;
}

function checkAudience(aud: unknown, audience: string): JwtCheck {
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (audiences.length !== 1) return fail(`it must name exactly one audience, ${audience}`);
  if (audiences[0] !== audience) return fail(`its aud is not ${audience}`);
  return pass(`Its audience is ${audience}.`);
}

function checkLifetime(claims: JWTPayload, nowS: number): JwtCheck {
  const { exp, nbf, iat } = claims as { exp: number; nbf?: number; iat: number };
  if (exp <= nowS - CLOCK_TOLERANCE_S)
    return fail(`it expired at ${iso(exp)} (${CLOCK_TOLERANCE_S} s leeway)`);
  if (nbf !== undefined && nbf > nowS + CLOCK_TOLERANCE_S)
    return fail(`it is not valid before ${iso(nbf)}`);
  if (iat > nowS + CLOCK_TOLERANCE_S) return fail(`it was issued in the future, at ${iso(iat)}`);
  if (nowS - iat - CLOCK_TOLERANCE_S > MAX_JWT_AGE_S)
    return fail(`it was issued at ${iso(iat)}, more than an hour ago`);
  return pass(`It is valid until ${iso(exp)}.`);
}
