import { randomString } from "../lib/encoding";

/** Characters that cannot be mistaken for one another when read aloud or typed (no 0/o, 1/l/i). */
const UNAMBIGUOUS = "abcdefghjkmnpqrstuvwxyz23456789";

export type RoomNamePattern = "uuid" | "human-short";

const humanShort = () => randomString(UNAMBIGUOUS, 6);

/** `/` + optional `prefix-` + a UUID or 6 unambiguous characters. */
export function generateRoomName(prefix: string | undefined, pattern: RoomNamePattern): string {
  const suffix = pattern === "human-short" ? humanShort() : crypto.randomUUID();
  return prefix ? `/${prefix}-${suffix}` : `/${suffix}`;
}
