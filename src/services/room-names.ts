/** Characters that cannot be mistaken for one another when read aloud or typed (no 0/o, 1/l/i). */
const UNAMBIGUOUS = "abcdefghjkmnpqrstuvwxyz23456789";

export type RoomNamePattern = "uuid" | "human-short";

function humanShort(): string {
  let out = "";
  while (out.length < 6) {
    for (const byte of crypto.getRandomValues(new Uint8Array(12))) {
      // 248 = 8 × 31: rejecting the rest keeps every character equally likely.
      if (byte < 248 && out.length < 6) out += UNAMBIGUOUS[byte % UNAMBIGUOUS.length];
    }
  }
  return out;
}

/** `/` + optional `prefix-` + a UUID or 6 unambiguous characters. */
export function generateRoomName(prefix: string | undefined, pattern: RoomNamePattern): string {
  const suffix = pattern === "human-short" ? humanShort() : crypto.randomUUID();
  return prefix ? `/${prefix}-${suffix}` : `/${suffix}`;
}
