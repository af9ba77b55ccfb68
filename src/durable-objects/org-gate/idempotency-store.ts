import { isSealed } from "../../lib/crypto";
import type { HashedSubjectSpec } from "../../services/erasure/hashed-subject";

/** How long a finished request's response is replayed for (SPEC §1). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * How long a request may hold its key before the hold is considered abandoned (the isolate
 * running it died). Longer than any request Parley serves, so a live request keeps its hold.
 */
export const IDEMPOTENCY_LEASE_MS = 5 * 60 * 1000;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS idempotency (
    key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, state TEXT NOT NULL,
    status INTEGER, headers TEXT, body TEXT, lease_until INTEGER NOT NULL, expires_at INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS idempotency_expiry ON idempotency (expires_at);
  CREATE TABLE IF NOT EXISTS idempotency_migrations (name TEXT PRIMARY KEY);
  CREATE TABLE IF NOT EXISTS idempotency_erasures (
    erasure_id TEXT PRIMARY KEY, sha256 TEXT NOT NULL, length INTEGER NOT NULL, at INTEGER NOT NULL
  );
`;

/**
 * An erasure applies to replays of requests that started before it finished, which are all gone once the
 * last of them expires: a request holds its key at most the lease, then its response is kept for the TTL.
 */
const ERASURE_KEPT_MS = IDEMPOTENCY_LEASE_MS + IDEMPOTENCY_TTL_MS;

/**
 * Records written before bodies were sealed hold responses (new API keys, webhook secrets) in
 * clear, under keys that no longer match any request: removed once, on the object's first start.
 */
const DROP_UNSEALED = "sealed-bodies";

export interface StoredResponse {
  status: number;
  headers: [string, string][];
  body: string;
}

export type IdempotencyBegin =
  | { state: "started" }
  | { state: "in_flight" }
  | { state: "mismatch" }
  | { state: "replay"; response: StoredResponse; erasures: HashedSubjectSpec[] };

type Row = {
  fingerprint: string;
  state: string;
  status: number | null;
  headers: string | null;
  body: string | null;
  lease_until: number;
  expires_at: number;
};

/**
 * Idempotency-Key records in the Durable Object's SQLite; every method is synchronous, hence
 * atomic. Bodies arrive sealed with the caller's credential, which this store never sees.
 */
export class IdempotencyStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
    const done = sql.exec("SELECT 1 FROM idempotency_migrations WHERE name = ?", DROP_UNSEALED).toArray().length > 0;
    if (!done) {
      sql.exec("DELETE FROM idempotency WHERE body IS NOT NULL AND substr(body, 1, 3) != 'v1.'");
      sql.exec("INSERT INTO idempotency_migrations (name) VALUES (?)", DROP_UNSEALED);
    }
  }

  begin(key: string, fingerprint: string, now: number): IdempotencyBegin {
    this.sql.exec(
      "DELETE FROM idempotency WHERE key IN (SELECT key FROM idempotency WHERE expires_at <= ? LIMIT 50)",
      now,
    );
    const row = this.sql.exec<Row>("SELECT * FROM idempotency WHERE key = ?", key).toArray()[0];
    if (row && row.expires_at > now) {
      if (row.fingerprint !== fingerprint) return { state: "mismatch" };
      if (row.state === "done" && row.status !== null) {
        return {
          state: "replay",
          response: { status: row.status, headers: JSON.parse(row.headers ?? "[]"), body: row.body ?? "" },
          erasures: this.erasuresAfter(row.lease_until - IDEMPOTENCY_LEASE_MS, now),
        };
      }
      if (row.lease_until > now) return { state: "in_flight" };
    }
    this.sql.exec(
      `INSERT INTO idempotency (key, fingerprint, state, lease_until, expires_at) VALUES (?, ?, 'running', ?, ?)
       ON CONFLICT(key) DO UPDATE SET fingerprint = excluded.fingerprint, state = 'running', status = NULL,
         headers = NULL, body = NULL, lease_until = excluded.lease_until, expires_at = excluded.expires_at`,
      key,
      fingerprint,
      now + IDEMPOTENCY_LEASE_MS,
      now + IDEMPOTENCY_TTL_MS,
    );
    return { state: "started" };
  }

  complete(key: string, fingerprint: string, response: StoredResponse, now: number): void {
    // Never a body in clear (e.g. from a Worker still on older code during a deploy): forget the record instead.
    if (!isSealed(response.body)) {
      this.release(key, fingerprint);
      return;
    }
    this.sql.exec(
      `UPDATE idempotency SET state = 'done', status = ?, headers = ?, body = ?, expires_at = ?
       WHERE key = ? AND fingerprint = ? AND state = 'running'`,
      response.status,
      JSON.stringify(response.headers),
      response.body,
      now + IDEMPOTENCY_TTL_MS,
      key,
      fingerprint,
    );
  }

  /**
   * An erasure of the organization finished: replays of every request that started before now are redacted
   * when they are replayed, and stored redacted then (the bodies are sealed with the callers' credentials, so
   * they cannot be rewritten here). Only the subject's hash and length are kept. Idempotent per erasure.
   */
  eraseFromReplays(erasureId: string, subject: HashedSubjectSpec, now: number): void {
    this.sql.exec(
      "INSERT INTO idempotency_erasures (erasure_id, sha256, length, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
      erasureId,
      subject.sha256,
      subject.length,
      now,
    );
  }

  /** A replayed response redacted after an erasure, sealed again by the caller: stored so the value is gone. */
  rewrite(key: string, fingerprint: string, body: string): void {
    if (!isSealed(body)) return;
    this.sql.exec(
      "UPDATE idempotency SET body = ? WHERE key = ? AND fingerprint = ? AND state = 'done'",
      body,
      key,
      fingerprint,
    );
  }

  /** Erasures finished after a request that started at `startedAt`. */
  private erasuresAfter(startedAt: number, now: number): HashedSubjectSpec[] {
    this.sql.exec("DELETE FROM idempotency_erasures WHERE at <= ?", now - ERASURE_KEPT_MS);
    return this.sql
      .exec<{ sha256: string; length: number }>(
        "SELECT sha256, length FROM idempotency_erasures WHERE at > ? ORDER BY at",
        startedAt,
      )
      .toArray()
      .map(({ sha256, length }) => ({ sha256, length }));
  }

  release(key: string, fingerprint: string): void {
    this.sql.exec("DELETE FROM idempotency WHERE key = ? AND fingerprint = ? AND state = 'running'", key, fingerprint);
  }
}
