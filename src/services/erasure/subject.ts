import type { ErasureField } from "../../db/schema";

/** What an erased value (a whole field, a spoken segment, or one occurrence in text) is replaced with. */
export const ERASED = "[erased]";

/**
 * Characters that continue a word: an occurrence touching one is part of a longer word or identifier
 * ("Ann" is not found in "Anna", "user-4" not in "user-42"). A `.` or `+` continues it only when a letter
 * or digit follows, so "… to Ann." and "ann@example.com." are found.
 */
export const BEFORE = String.raw`(?<![\p{L}\p{M}\p{N}_@.+-])`;
export const AFTER = String.raw`(?![\p{L}\p{M}\p{N}_@-]|[.+][\p{L}\p{M}\p{N}])`;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The subject of an erasure as the stored request names it: the field and its (trimmed) value. */
export interface SubjectSpec {
  field: ErasureField;
  value: string;
}

/** The form hashed and compared: trimmed, lowercased. */
export const normaliseSubject = (value: string) => value.trim().toLowerCase();

/**
 * Finds and replaces a subject. The rule: an occurrence is the whole value, not touching a word
 * character on either side (see `BEFORE`/`AFTER`); `displayName` and `email` match case-insensitively
 * (Unicode case folding), `externalId` exactly.
 */
export class Subject {
  readonly field: ErasureField;
  readonly #pattern: RegExp;

  constructor(spec: SubjectSpec) {
    this.field = spec.field;
    const flags = spec.field === "externalId" ? "gu" : "giu";
    // `[erased]` itself is matched first and left alone, so redacting twice changes nothing.
    this.#pattern = new RegExp(`${escapeRegExp(ERASED)}|${BEFORE}${escapeRegExp(spec.value.trim())}${AFTER}`, flags);
  }

  /** Whether `text` contains the subject. */
  occursIn(text: string | null | undefined): boolean {
    if (!text) return false;
    let found = false;
    text.replace(this.#pattern, (match) => {
      if (match !== ERASED) found = true;
      return match;
    });
    return found;
  }

  /** `text` with every occurrence of the subject replaced by `[erased]` (the same string when there is none). */
  redact(text: string): string {
    return text.replace(this.#pattern, (match) => (match === ERASED ? match : ERASED));
  }

  /**
   * Whether a person's fields name the subject: a participant's `displayName` or `externalId`, or a
   * transcript speaker. A person field that contains the subject identifies the person, so the whole
   * record is theirs (unlike free text, where only the occurrence goes).
   */
  identifies(...personFields: (string | null | undefined)[]): boolean {
    return personFields.some((value) => this.occursIn(value));
  }

  /**
   * A JSON value with the subject gone: an object whose `displayName`/`externalId`/`email` names the
   * subject (a participant in an event payload) has all three replaced whole; every other string has
   * its occurrences replaced.
   */
  redactJson(value: unknown): unknown {
    if (typeof value === "string") return this.redact(value);
    if (Array.isArray(value)) return value.map((item) => this.redactJson(item));
    if (value === null || typeof value !== "object") return value;
    const record = value as Record<string, unknown>;
    const person = PERSON_KEYS.filter((key) => typeof record[key] === "string");
    const isSubject = this.identifies(...person.map((key) => record[key] as string));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(record)) {
      out[key] = isSubject && person.includes(key as (typeof PERSON_KEYS)[number]) ? ERASED : this.redactJson(item);
    }
    return out;
  }
}

export const PERSON_KEYS = ["displayName", "externalId", "email"] as const;
