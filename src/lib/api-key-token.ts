import { crc32, isBase62, randomBase62, toBase62 } from "./encoding";

const PREFIX = "prl_";
const RANDOM_LENGTH = 34;
const CHECKSUM_LENGTH = 6;

/**
 * API key format (SPEC §1): `prl_` + 34 random base62 characters + 6 base62 characters of the
 * CRC-32 of those random characters. The checksum lets secret scanners (and our own auth
 * middleware) reject a mistyped or made-up key without touching storage.
 */
export function generateApiKey(): string {
  const random = randomBase62(RANDOM_LENGTH);
  return PREFIX + random + toBase62(crc32(random), CHECKSUM_LENGTH);
}

export function isWellFormedApiKey(key: string): boolean {
  if (!key.startsWith(PREFIX)) return false;
  const body = key.slice(PREFIX.length);
  if (body.length < 40 || body.length > 64 || !isBase62(body)) return false;
  const random = body.slice(0, -CHECKSUM_LENGTH);
  return toBase62(crc32(random), CHECKSUM_LENGTH) === body.slice(-CHECKSUM_LENGTH);
}

/** The first 8 characters, shown in lists so people can tell their keys apart. */
export function apiKeyPrefix(key: string): string {
  return key.slice(0, 8);
}
