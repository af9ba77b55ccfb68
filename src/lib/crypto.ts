import { base64UrlToBytes, bytesToBase64Url, toHex } from "./encoding";

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

const SEALED_PREFIX = "v1.";

/** Whether `text` has the shape `sealWithCredential` gives (not whether it opens). */
export function isSealed(text: string): boolean {
  return text.startsWith(SEALED_PREFIX);
}

async function credentialKey(credential: string, salt: Uint8Array, context: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey("raw", encoder.encode(credential), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt, info: encoder.encode(context) },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

/**
 * Encrypts `plaintext` (AES-256-GCM) under a key derived (HKDF-SHA-256) from the caller's own
 * credential, which Parley never stores: only a request carrying that credential can open it.
 * `context` is bound in as HKDF info and as associated data, so a sealed text only opens where it was sealed.
 */
export async function sealWithCredential(credential: string, context: string, plaintext: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await credentialKey(credential, salt, context);
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(context) },
    key,
    encoder.encode(plaintext),
  );
  return SEALED_PREFIX + [salt, iv, new Uint8Array(sealed)].map(bytesToBase64Url).join(".");
}

/** Opens what `sealWithCredential` sealed; `null` for another credential or context, or tampered text. */
export async function openWithCredential(credential: string, context: string, sealed: string): Promise<string | null> {
  if (!sealed.startsWith(SEALED_PREFIX)) return null;
  const [salt, iv, data] = sealed.slice(SEALED_PREFIX.length).split(".").map(base64UrlToBytes);
  if (!salt || !iv || !data) return null;
  try {
    const key = await credentialKey(credential, salt, context);
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv, additionalData: encoder.encode(context) },
      key,
      data,
    );
    return new TextDecoder().decode(plain);
  } catch {
    return null;
  }
}
