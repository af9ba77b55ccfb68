/** How long last-use times wait in memory before one batched D1 write. */
export const LAST_USED_FLUSH_MS = 30_000;

/** Writes last-use times of the organization's keys to D1. */
export type LastUsedWriter = (orgId: string, lastUsed: [keyId: string, at: number][]) => Promise<void>;

/**
 * The organization's live keys (so a revocation is seen by every isolate on the very next request) and their
 * last-use times, written behind to D1 by the object's alarm instead of once per request.
 */
export class KeyRegistry {
  /** keyId → revoked? Unknown ids are treated as revoked. */
  private revoked = new Map<string, boolean>();
  private readonly lastUsed = new Map<string, number>();
  private lastUsedDueAt = 0;
  private alarmAt: number | null = null;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly write: LastUsedWriter,
  ) {}

  knows(keyId: string): boolean {
    return this.revoked.has(keyId);
  }

  isLive(keyId: string): boolean {
    return this.revoked.get(keyId) === false;
  }

  /** Takes D1's list of keys; revocations that arrived through RPC while D1 was being read win over it. */
  replace(keys: { id: string; revokedAt: number | null }[]): void {
    const revokedHere = [...this.revoked.entries()].filter(([, revoked]) => revoked).map(([id]) => id);
    this.revoked = new Map(keys.map((k) => [k.id, k.revokedAt !== null]));
    for (const id of revokedHere) this.revoked.set(id, true);
  }

  created(keyId: string): void {
    if (!this.revoked.has(keyId)) this.revoked.set(keyId, false);
  }

  revoke(keyId: string): void {
    this.revoked.set(keyId, true);
    this.lastUsed.delete(keyId);
  }

  /** Remembers a use, arming the alarm when this starts a new batch. */
  noteUse(keyId: string, now: number): void {
    if (this.lastUsed.size === 0) {
      this.lastUsedDueAt = now + LAST_USED_FLUSH_MS;
      this.scheduleAlarm(this.lastUsedDueAt);
    }
    this.lastUsed.set(keyId, now);
  }

  /** Last-use times not yet written to D1, so key listings are fresh without a write per request. */
  pendingUsage(): Record<string, number> {
    return Object.fromEntries(this.lastUsed);
  }

  /** The alarm's job: writes the batch once it is due, or re-arms for when it will be. */
  async onAlarm(orgId: string | undefined, now: number): Promise<void> {
    this.alarmAt = null;
    if (this.lastUsed.size === 0) return;
    if (this.lastUsedDueAt > now) {
      this.scheduleAlarm(this.lastUsedDueAt);
      return;
    }
    const pending = [...this.lastUsed.entries()];
    this.lastUsed.clear();
    if (!orgId) return;
    try {
      await this.write(orgId, pending);
    } catch (error) {
      // Put the times back (newer uses win) so the retried alarm writes them.
      for (const [keyId, at] of pending) if (!this.lastUsed.has(keyId)) this.lastUsed.set(keyId, at);
      throw error;
    }
  }

  /** An earlier need moves the alarm forward. */
  private scheduleAlarm(at: number): void {
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    this.alarmAt = at;
    void this.storage.setAlarm(at);
  }
}
