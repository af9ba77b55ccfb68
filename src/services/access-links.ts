import { hmacSha256, timingSafeEqualStrings } from "../lib/crypto";
import { base64UrlDecode, base64UrlEncode, bytesToBase64Url } from "../lib/encoding";

/** What a link opens: a recording's bytes, a transcription's Markdown transcript or a data export. */
export type FileKind = "recording" | "transcript" | "export";

interface FileClaims {
  /** Id of the object the token opens. */
  r: string;
  /** Expiry, epoch ms. */
  e: number;
  /** The kind, for transcripts and exports; absent on recording tokens (as on those issued before transcripts had links). */
  k?: Exclude<FileKind, "recording">;
}

/** `payload.signature`, both base64url: an HMAC-SHA256 over the payload under FILE_TOKEN_SECRET. */
export async function signFileToken(
  secret: string,
  id: string,
  expires: number,
  kind: FileKind = "recording",
): Promise<string> {
  const claims: FileClaims = kind === "recording" ? { r: id, e: expires } : { r: id, e: expires, k: kind };
  const payload = base64UrlEncode(JSON.stringify(claims));
  return `${payload}.${bytesToBase64Url(await hmacSha256(secret, payload))}`;
}

/** True only for an untampered, unexpired token made for this very object of this kind. */
export async function verifyFileToken(
  secret: string,
  token: string,
  id: string,
  kind: FileKind = "recording",
  now = Date.now(),
) {
  const [payload, signature, extra] = token.split(".");
  if (!payload || !signature || extra !== undefined) return false;
  const expected = bytesToBase64Url(await hmacSha256(secret, payload));
  if (!(await timingSafeEqualStrings(signature, expected))) return false;
  try {
    const claims = JSON.parse(base64UrlDecode(payload) ?? "null") as FileClaims | null;
    return (
      claims !== null &&
      claims.r === id &&
      (claims.k ?? "recording") === kind &&
      typeof claims.e === "number" &&
      claims.e > now
    );
  } catch {
    return false;
  }
}
