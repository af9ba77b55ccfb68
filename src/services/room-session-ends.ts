import { sqlBatch } from "../db/batch";
import type { Database } from "../db/client";
import {
  announceSessionsStatements,
  endSessionsStatements,
  findSessionsDueToEnd,
  findSessionsToAnnounce,
} from "../db/queries/system";
import { newId } from "../lib/ids";
import type { Queues } from "../queues/producer";
import { publishEvents } from "./events";
import { sessionEvent } from "./room-events";
import { SESSION_GAP_MS } from "./room-session-derivation";

/**
 * Session webhooks wait until no event has been received for the room for this long, so events that arrive
 * out of order across batches settle first: a session seen only in an intermediate state is never announced.
 */
export const ANNOUNCE_QUIET_MS = 30_000;

/** Ends one page of sessions whose participants have been fewer than two for 2 minutes. Returns how many were due. */
export async function endDueSessionsPage(db: Database, now: number, pageSize: number): Promise<number> {
  const cutoff = now - SESSION_GAP_MS;
  const due = await findSessionsDueToEnd(db, cutoff, pageSize);
  if (due.length > 0) await sqlBatch(db, endSessionsStatements(due, newId("req"), cutoff));
  return due.length;
}

/**
 * Announces one page of sessions in quiet rooms: `room.session.started` once per session, and
 * `room.session.ended` once its end is certain. Returns how many sessions were pending.
 */
export async function announceSessionsPage(
  db: Database,
  queues: Queues,
  now: number,
  pageSize: number,
): Promise<number> {
  const pending = await findSessionsToAnnounce(db, now - ANNOUNCE_QUIET_MS, pageSize);
  if (pending.length === 0) return 0;
  const events = pending.flatMap((s) => {
    const types = [
      ...(s.startNotified ? [] : (["room.session.started"] as const)),
      ...(s.endedAt !== null && !s.endNotified ? (["room.session.ended"] as const) : []),
    ];
    return types.map((type) => {
      const event = sessionEvent(type, s.roomName, s);
      return {
        sessionId: s.id,
        orgId: s.orgId,
        roomName: s.roomName,
        eventId: event.id,
        type,
        data: event.data,
        endedAt: s.endedAt,
      };
    });
  });
  const [, recorded] = await sqlBatch<{ id: string }>(db, announceSessionsStatements(events, newId("req"), now));
  await publishEvents(
    queues,
    db,
    (recorded?.results ?? []).map((r) => r.id),
  );
  return pending.length;
}
