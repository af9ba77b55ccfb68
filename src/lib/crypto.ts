import { toHex } from "./encoding";

const encoder = new TextEncoder();

export async function sha256Hex(text: string): Promise<string> {
  return toHex(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

/** Constant-time string comparison (lengths are compared in constant time too, via hashing). */
export async function timingSafeEqualStrings(a: string, b: string): Promise<boolean> {
  const [ha, hb] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(a)),
    crypto.subtle.digest("SHA-256", encoder.encode(b)),
  ]);
  return crypto.subtle.timingSafeEqual(ha, hb) && a.length === b.length;
}

/** Imported HMAC keys per secret value: importKey is async and the secret never changes in an isolate. */
const hmacKeys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secretValue: string): Promise<CryptoKey> {
  let key = hmacKeys.get(secretValue);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(secretValue), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
    ]);
    hmacKeys.set(secretValue, key);
  }
  return key;
}

export async function hmacSha256(secretValue: string, message: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(secretValue), encoder.encode(message)));
}
