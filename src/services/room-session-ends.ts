import { sqlBatch } from "../db/batch";
import type { Database } from "../db/client";
import { endSessionsStatements, findSessionsDueToEnd } from "../db/queries/system";
import { newId } from "../lib/ids";
import type { Queues } from "../queues/producer";
import { publishEvents } from "./events";
import { sessionEvent } from "./room-events";
import { SESSION_GAP_MS } from "./room-session-derivation";

/**
 * Ends one page of sessions whose participants have been fewer than two for 2 minutes, emitting
 * `room.session.ended` for each (once: a session already announced is ended silently). Returns how many were due.
 */
export async function endDueSessionsPage(db: Database, queues: Queues, now: number, pageSize: number): Promise<number> {
  const cutoff = now - SESSION_GAP_MS;
  const due = await findSessionsDueToEnd(db, cutoff, pageSize);
  if (due.length === 0) return 0;
  const rows = due.map((s) => {
    const belowSince = s.belowSince as number;
    const event = sessionEvent("room.session.ended", s.roomName, {
      id: s.id,
      startedAt: s.startedAt,
      endedAt: belowSince,
    });
    return { id: s.id, orgId: s.orgId, roomName: s.roomName, belowSince, eventId: event.id, data: event.data };
  });
  const [, recorded] = await sqlBatch<{ id: string }>(db, endSessionsStatements(rows, newId("req"), cutoff, now));
  await publishEvents(
    queues,
    db,
    (recorded?.results ?? []).map((r) => r.id),
  );
  return due.length;
}
