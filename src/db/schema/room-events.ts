import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export type RoomEventType =
  | "room.client.joined"
  | "room.client.left"
  | "room.client.knocked"
  | "room.client.knockCancelled";

/** What the media plane reported, one row per distinct event (the source sessions are derived from). */
export const roomEvents = sqliteTable(
  "room_events",
  {
    orgId: text("org_id").notNull(),
    /** `id:<client id>`, or `nk:<type>|<roomName>|<participantId>|<occurredAt ms>` for an event without one. */
    dedupKey: text("dedup_key").notNull(),
    clientId: text("client_id"),
    roomName: text("room_name").notNull(),
    type: text("type").$type<RoomEventType>().notNull(),
    participantId: text("participant_id").notNull(),
    displayName: text("display_name"),
    externalId: text("external_id"),
    roleName: text("role_name"),
    occurredAt: integer("occurred_at").notNull(),
    receivedAt: integer("received_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.dedupKey] }),
    index("room_events_org_room_idx").on(t.orgId, t.roomName, t.occurredAt),
  ],
);

/**
 * One row per room that has events: the per-room serial point (`version`, bumped by every write that
 * derives the room's sessions; `writer` names the attempt that bumped it last) and the room's insights totals.
 */
export const roomStates = sqliteTable(
  "room_states",
  {
    orgId: text("org_id").notNull(),
    roomName: text("room_name").notNull(),
    createdAt: integer("created_at").notNull(),
    endAt: integer("end_at"),
    version: integer("version").notNull(),
    /** When an event for the room was last received: session webhooks wait until the room has been quiet a while. */
    lastReceivedAt: integer("last_received_at").notNull(),
    writer: text("writer").notNull(),
    totalSessions: integer("total_sessions").notNull(),
    firstSessionStartedAt: integer("first_session_started_at"),
    lastSessionStartedAt: integer("last_session_started_at"),
    /** Participant time: closed intervals in ms, plus `openCount * now - openSinceSum` for those still present. */
    closedMs: integer("closed_ms").notNull(),
    openCount: integer("open_count").notNull(),
    openSinceSum: integer("open_since_sum").notNull(),
    uniqueParticipants: integer("unique_participants").notNull(),
    /** The same figures for participants with roleName `recorder` and `streamer`. */
    roleStats: text("role_stats", { mode: "json" }).$type<Record<string, RoleStats>>().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.roomName] }),
    index("room_states_org_created_idx").on(t.orgId, t.createdAt, t.roomName),
    index("room_states_writer_idx").on(t.writer),
  ],
);

export interface RoleStats {
  closedMs: number;
  openCount: number;
  openSinceSum: number;
  unique: number;
}

/** Derived room sessions; rewritten with the room's state, ids kept stable across re-derivations. */
export const roomSessions = sqliteTable(
  "room_sessions",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    roomName: text("room_name").notNull(),
    startedAt: integer("started_at").notNull(),
    endedAt: integer("ended_at"),
    /** When fewer than two participants remained (null while two or more are present). */
    belowSince: integer("below_since"),
    closedMs: integer("closed_ms").notNull(),
    openCount: integer("open_count").notNull(),
    openSinceSum: integer("open_since_sum").notNull(),
    uniqueParticipants: integer("unique_participants").notNull(),
    /** `room.session.started` / `ended` have been recorded: each at most once, whatever later events change. */
    startNotified: integer("start_notified", { mode: "boolean" }).notNull(),
    endNotified: integer("end_notified", { mode: "boolean" }).notNull(),
  },
  (t) => [
    index("room_sessions_org_room_idx").on(t.orgId, t.roomName, t.startedAt),
    index("room_sessions_pending_end_idx").on(t.belowSince).where(sql`ended_at IS NULL`),
    index("room_sessions_unannounced_idx")
      .on(t.orgId, t.roomName)
      .where(sql`start_notified = 0 OR (ended_at IS NOT NULL AND end_notified = 0)`),
  ],
);

/** Derived: one row per join (join to leave), with the session it belongs to. */
export const roomParticipants = sqliteTable(
  "room_participants",
  {
    orgId: text("org_id").notNull(),
    /** `<roomName>#<n>`: the n-th join of the room in time order. */
    id: text("id").notNull(),
    roomName: text("room_name").notNull(),
    roomSessionId: text("room_session_id"),
    participantId: text("participant_id").notNull(),
    displayName: text("display_name"),
    externalId: text("external_id"),
    roleName: text("role_name"),
    joinedAt: integer("joined_at").notNull(),
    leftAt: integer("left_at"),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index("room_participants_org_room_idx").on(t.orgId, t.roomName),
    /** Who is present at a room's checkpoint (left_at null or after it): read by every derivation. */
    index("room_participants_org_room_left_idx").on(t.orgId, t.roomName, t.leftAt),
    index("room_participants_org_session_idx").on(t.orgId, t.roomSessionId, t.joinedAt),
    index("room_participants_org_external_idx").on(t.orgId, t.externalId, t.joinedAt),
  ],
);

export type RoomEventRow = typeof roomEvents.$inferSelect;
export type RoomStateRow = typeof roomStates.$inferSelect;
export type RoomSessionRow = typeof roomSessions.$inferSelect;
export type RoomParticipantRow = typeof roomParticipants.$inferSelect;
