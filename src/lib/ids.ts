import { randomBase62 } from "./encoding";

export type IdPrefix =
  | "org"
  | "key"
  | "mtg"
  | "rec"
  | "trn"
  | "sum"
  | "whk"
  | "evt"
  | "req"
  | "upl"
  | "exp"
  | "dlv"
  | "ses"
  | "aud"
  | "era"
  | "mem"
  | "inv";

/** An opaque id: type prefix + 22 base62 characters (~131 bits of randomness). */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBase62(22)}`;
}
