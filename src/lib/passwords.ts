import bcrypt from "bcryptjs";
import { bytesToBase64 } from "./encoding";

/**
 * bcrypt at cost 11 (OWASP: 10 or more), pure JavaScript so it runs on Workers, which cannot compile WASM at
 * run time. bcrypt reads only the first 72 bytes of a password, and passwords may be 128 characters (up to 512
 * bytes of UTF-8): the password is first reduced to the base64 of its SHA-256 (44 ASCII bytes), so every
 * character counts and no NUL byte reaches bcrypt.
 */
export const BCRYPT_COST = 11;
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

/** A hash of a password nobody has, compared against when the account does not exist, so both take as long. */
const NO_ACCOUNT_HASH = "$2b$11$olrPqz3w4MzeeHK7g9fWleBqPpCbBnnlNtMnwKpRzD98mT6NUXkoO";

async function prehash(password: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(password));
  return bytesToBase64(new Uint8Array(digest));
}

export async function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(await prehash(password), BCRYPT_COST);
}

/** Whether `password` matches `hash`; with no hash (unknown account) it does the same work and says no. */
export async function verifyPassword(password: string, hash: string | null): Promise<boolean> {
  const matches = await bcrypt.compare(await prehash(password), hash ?? NO_ACCOUNT_HASH);
  return hash !== null && matches;
}
