import { hmacSha256, timingSafeEqualStrings } from "../lib/crypto";
import { base64UrlDecode, base64UrlEncode, bytesToBase64Url } from "../lib/encoding";

interface FileClaims {
  /** Recording id the token opens. */
  r: string;
  /** Expiry, epoch ms. */
  e: number;
}

/** `payload.signature`, both base64url: an HMAC-SHA256 over the payload under FILE_TOKEN_SECRET. */
export async function signFileToken(secret: string, recordingId: string, expires: number): Promise<string> {
  const payload = base64UrlEncode(JSON.stringify({ r: recordingId, e: expires } satisfies FileClaims));
  return `${payload}.${bytesToBase64Url(await hmacSha256(secret, payload))}`;
}

/** True only for an untampered, unexpired token made for this very recording. */
export async function verifyFileToken(secret: string, token: string, recordingId: string, now = Date.now()) {
  const [payload, signature, extra] = token.split(".");
  if (!payload || !signature || extra !== undefined) return false;
  const expected = bytesToBase64Url(await hmacSha256(secret, payload));
  if (!(await timingSafeEqualStrings(signature, expected))) return false;
  try {
    const claims = JSON.parse(base64UrlDecode(payload) ?? "null") as FileClaims | null;
    return claims !== null && claims.r === recordingId && typeof claims.e === "number" && claims.e > now;
  } catch {
    return false;
  }
}
