import { sha256Hex } from "../../lib/crypto";
import { AFTER, BEFORE, ERASED, PERSON_KEYS } from "./subject";

/**
 * A finished erasure as kept beside stored replays: the SHA-256 of the normalised subject (the hash the erasure's
 * own response shows) and its length, never the value.
 */
export interface HashedSubjectSpec {
  sha256: string;
  /** UTF-16 length of the trimmed value. */
  length: number;
}

const startsWord = new RegExp(BEFORE, "uy");
const endsWord = new RegExp(AFTER, "uy");
const at = (pattern: RegExp, text: string, index: number) => {
  pattern.lastIndex = index;
  return pattern.test(text);
};

/**
 * Finds a subject known only by its hash, by the rule of `Subject` (whole value, not touching a word character,
 * case-insensitive): every span of the subject's length that starts and ends at a word edge is lowercased and
 * hashed. Only spans at both edges are hashed, so a text costs about one digest per word of that length.
 * Used where the clear value is gone (an erasure's value is dropped when it finishes): replayed responses.
 */
export class HashedSubject {
  constructor(private readonly spec: HashedSubjectSpec) {}

  private async spans(text: string): Promise<[number, number][]> {
    const { length } = this.spec;
    const found: [number, number][] = [];
    if (length === 0) return found;
    for (let start = 0; start + length <= text.length; start++) {
      if (found.length > 0 && start < (found.at(-1) as [number, number])[1]) continue;
      const end = start + length;
      if (!at(startsWord, text, start) || !at(endsWord, text, end)) continue;
      const span = text.slice(start, end);
      if (span === ERASED || span.trim().length !== length) continue;
      if ((await sha256Hex(span.toLowerCase())) === this.spec.sha256) found.push([start, end]);
    }
    return found;
  }

  async occursIn(text: string): Promise<boolean> {
    return (await this.spans(text)).length > 0;
  }

  /** `text` with every occurrence replaced by `[erased]`. */
  async redact(text: string): Promise<string> {
    const spans = await this.spans(text);
    let out = "";
    let from = 0;
    for (const [start, end] of spans) {
      out += text.slice(from, start) + ERASED;
      from = end;
    }
    return out + text.slice(from);
  }

  /** As `Subject.redactJson`: a person (displayName/externalId/email) naming the subject loses all three. */
  async redactJson(value: unknown): Promise<unknown> {
    if (typeof value === "string") return this.redact(value);
    if (Array.isArray(value)) return Promise.all(value.map((item) => this.redactJson(item)));
    if (value === null || typeof value !== "object") return value;
    const record = value as Record<string, unknown>;
    const person = PERSON_KEYS.filter((key) => typeof record[key] === "string");
    let isSubject = false;
    for (const key of person) if (await this.occursIn(record[key] as string)) isSubject = true;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(record)) {
      out[key] =
        isSubject && person.includes(key as (typeof PERSON_KEYS)[number]) ? ERASED : await this.redactJson(item);
    }
    return out;
  }
}
