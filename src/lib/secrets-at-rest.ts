/**
 * Secrets at rest (SPEC §9): AES-256-GCM under a versioned key list, `SECRETS_KEY="k2:<base64 32 bytes>,k1:<…>"`.
 * The first key encrypts; every key listed decrypts, so a key can be rotated by prepending a new one and
 * dropping the old one once nothing is encrypted under it. Stored form: `v1.<keyId>.<iv b64url>.<ct b64url>`.
 * The row's id is the associated data, so a ciphertext copied into another row does not decrypt.
 */
import { base64UrlToBytes, bytesToBase64Url } from "./encoding";

const FORMAT = "v1";
const encoder = new TextEncoder();
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** A SECRETS_KEY value that cannot be used: the message names what is wrong, never a key. */
export class SecretsKeyError extends Error {}

/** The parsed key list: ids and raw bytes, current (encrypting) key first. */
export function parseSecretsKey(value: string): { id: string; raw: Uint8Array }[] {
  const entries = value
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "");
  if (entries.length === 0) throw new SecretsKeyError("SECRETS_KEY lists no key");
  const seen = new Set<string>();
  return entries.map((entry, index) => {
    const colon = entry.indexOf(":");
    const id = colon === -1 ? "" : entry.slice(0, colon);
    if (!KEY_ID.test(id)) {
      throw new SecretsKeyError(
        `SECRETS_KEY entry ${index + 1} is not <id>:<base64 of 32 bytes> (id: 1-32 of A-Z a-z 0-9 _ -)`,
      );
    }
    if (seen.has(id)) throw new SecretsKeyError(`SECRETS_KEY lists key id ${id} twice`);
    seen.add(id);
    const raw = base64ToBytes(entry.slice(colon + 1));
    if (raw?.length !== 32) throw new SecretsKeyError(`SECRETS_KEY key ${id} is not the base64 of 32 bytes`);
    return { id, raw };
  });
}

function base64ToBytes(text: string): Uint8Array | null {
  return base64UrlToBytes(text.replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, ""));
}

/** Encrypts under the current key, decrypts under any listed key. Build it with `createSecretsKeyring`. */
export class SecretsKeyring {
  private constructor(
    readonly currentKeyId: string,
    private readonly keys: ReadonlyMap<string, CryptoKey>,
  ) {}

  static async create(value: string): Promise<SecretsKeyring> {
    const parsed = parseSecretsKey(value);
    const keys = new Map<string, CryptoKey>();
    for (const { id, raw } of parsed) {
      keys.set(id, await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]));
    }
    return new SecretsKeyring(parsed[0]?.id as string, keys);
  }

  /** The stored prefix of everything encrypted under the current key. */
  get currentPrefix(): string {
    return `${FORMAT}.${this.currentKeyId}.`;
  }

  /** Whether `stored` is encrypted under the current key (nothing for the re-encryption sweep to do). */
  isCurrent(stored: string): boolean {
    return stored.startsWith(this.currentPrefix);
  }

  async encrypt(plaintext: string, context: string): Promise<string> {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const key = this.keys.get(this.currentKeyId) as CryptoKey;
    const ct = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: encoder.encode(context) },
      key,
      encoder.encode(plaintext),
    );
    return [FORMAT, this.currentKeyId, bytesToBase64Url(iv), bytesToBase64Url(new Uint8Array(ct))].join(".");
  }

  /**
   * The plaintext of `stored`. Webhook secrets written before encryption (`whsec_…`) are returned as they
   * are until the re-encryption sweep has rewritten them; anything else that does not decrypt throws.
   */
  async decrypt(stored: string, context: string): Promise<string> {
    if (stored.startsWith("whsec_")) return stored;
    const [format, keyId, iv, ct, ...rest] = stored.split(".");
    const ivBytes = base64UrlToBytes(iv ?? "");
    const ctBytes = base64UrlToBytes(ct ?? "");
    if (format !== FORMAT || !keyId || !ivBytes || !ctBytes || rest.length > 0) {
      throw new SecretsKeyError("a stored secret is neither encrypted (v1.…) nor a legacy plaintext secret");
    }
    const key = this.keys.get(keyId);
    if (!key) {
      throw new SecretsKeyError(
        `a stored secret is encrypted under key ${keyId}, which SECRETS_KEY no longer lists (keep it until the re-encryption sweep has run)`,
      );
    }
    try {
      const plain = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: ivBytes, additionalData: encoder.encode(context) },
        key,
        ctBytes,
      );
      return new TextDecoder().decode(plain);
    } catch {
      throw new SecretsKeyError(`a stored secret does not decrypt under SECRETS_KEY's key ${keyId} (wrong key bytes?)`);
    }
  }
}
