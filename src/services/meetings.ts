import { sqlBatch } from "../db/batch";
import type { Database } from "../db/client";
import {
  findLiveMeeting,
  findMeeting,
  insertMeeting,
  listLiveMeetings,
  markMeetingDeleted,
  meetingUndeleted,
} from "../db/queries/meetings";
import { deleteRoomTheme } from "../db/queries/room-themes";
import type { MeetingRow, RecordingSettings, RoomMode } from "../db/schema";
import { hmacSha256 } from "../lib/crypto";
import { bytesToBase64Url } from "../lib/encoding";
import { ApiError } from "../lib/errors";
import { newId } from "../lib/ids";
import { decodeCursor, toPage } from "../lib/pagination";
import { iso } from "../lib/time";
import { roomLogoKey } from "../storage/keys";
import { type DomainEvent, type EventData, newEvent, recordEvent, recordEventWhere } from "./events";
import { generateRoomName, type RoomNamePattern } from "./room-names";

/** A meeting stays usable until one hour after its `endDate` (SPEC §4). */
export const MEETING_GRACE_MS = 60 * 60 * 1000;
export const MEETING_FIELDS = ["hostRoomUrl", "viewerRoomUrl"] as const;
export type MeetingField = (typeof MEETING_FIELDS)[number];

export interface MeetingConfig {
  roomBaseUrl: string;
  roomKeySecret: string;
}

export interface CreateMeetingInput {
  endDate: string;
  isLocked?: boolean;
  roomMode?: RoomMode;
  roomNamePrefix?: string;
  roomNamePattern?: RoomNamePattern;
  templateType?: "viewerMode";
  fields?: MeetingField[];
  recording?: { type: RecordingSettings["type"]; startTrigger?: RecordingSettings["startTrigger"] };
  metadata?: string;
}

export interface Meeting {
  meetingId: string;
  roomName: string;
  roomUrl: string;
  startDate: string;
  endDate: string;
  isLocked: boolean;
  roomMode: RoomMode;
  recording: RecordingSettings;
  metadata: string | null;
  createdAt: string;
  hostRoomUrl?: string;
  viewerRoomUrl?: string;
}

/**
 * Host and viewer keys are HMACs of the meeting id under a server secret: unguessable, never
 * stored, and the same every time they are asked for.
 */
async function roomKey(config: MeetingConfig, meetingId: string, role: "host" | "viewer"): Promise<string> {
  return bytesToBase64Url(await hmacSha256(config.roomKeySecret, `${meetingId}:${role}`));
}

export async function toMeeting(
  row: MeetingRow,
  config: MeetingConfig,
  fields: readonly MeetingField[],
): Promise<Meeting> {
  const roomUrl = config.roomBaseUrl.replace(/\/+$/, "") + row.roomName;
  const meeting: Meeting = {
    meetingId: row.id,
    roomName: row.roomName,
    roomUrl,
    startDate: iso(row.startDate),
    endDate: iso(row.endDate),
    isLocked: row.isLocked,
    roomMode: row.roomMode,
    recording: row.recording,
    metadata: row.metadata,
    createdAt: iso(row.createdAt),
  };
  const viewerMode = row.templateType === "viewerMode";
  if (viewerMode || fields.includes("hostRoomUrl")) {
    meeting.hostRoomUrl = `${roomUrl}?roomKey=${await roomKey(config, row.id, "host")}`;
  }
  if (viewerMode || (fields.includes("viewerRoomUrl") && row.roomMode === "group")) {
    meeting.viewerRoomUrl = `${roomUrl}?viewerKey=${await roomKey(config, row.id, "viewer")}`;
  }
  return meeting;
}

function meetingEventData(row: MeetingRow): EventData<"meeting.created"> {
  return { meetingId: row.id, roomName: row.roomName, startDate: iso(row.startDate), endDate: iso(row.endDate) };
}

/** Creates a meeting and records `meeting.created` in the same transaction. */
export async function createMeeting(
  db: Database,
  orgId: string,
  input: CreateMeetingInput,
  now = Date.now(),
): Promise<{ row: MeetingRow; event: DomainEvent }> {
  const viewerMode = input.templateType === "viewerMode";
  const endDate = Date.parse(input.endDate);
  const prefix = input.roomNamePrefix?.toLowerCase();
  for (let attempt = 0; ; attempt++) {
    const row: MeetingRow = {
      id: newId("mtg"),
      orgId,
      roomName: generateRoomName(prefix, input.roomNamePattern ?? "uuid"),
      startDate: now,
      endDate,
      expiresAt: endDate + MEETING_GRACE_MS,
      isLocked: viewerMode ? true : (input.isLocked ?? false),
      roomMode: viewerMode ? "group" : (input.roomMode ?? "normal"),
      templateType: input.templateType ?? null,
      recording: { type: input.recording?.type ?? "none", startTrigger: input.recording?.startTrigger ?? "none" },
      metadata: input.metadata ?? null,
      createdAt: now,
      deletedAt: null,
      expiryRun: null,
    };
    const event = newEvent(orgId, "meeting.created", meetingEventData(row), now);
    try {
      await db.batch([insertMeeting(db, row), recordEvent(db, event)]);
      return { row, event };
    } catch (error) {
      // A human-short name can collide with a live room; draw another a few times.
      if (attempt < 4 && String(error).includes("UNIQUE constraint failed: meetings.room_name")) continue;
      throw error;
    }
  }
}

export async function getMeeting(db: Database, orgId: string, meetingId: string, now = Date.now()) {
  const row = await findLiveMeeting(db, orgId, meetingId, now);
  if (!row) throw new ApiError("not_found", `No meeting ${meetingId}.`);
  return row;
}

export async function listMeetings(
  db: Database,
  orgId: string,
  query: { limit: number; cursor?: string; roomNamePrefix?: string },
  now = Date.now(),
) {
  const after = decodeCursor(query.cursor);
  const prefix = query.roomNamePrefix?.toLowerCase();
  const rows = await listLiveMeetings(db, orgId, { now, roomNamePrefix: prefix, after, limit: query.limit });
  return toPage(
    rows,
    query.limit,
    (r) => ({ v: r.createdAt, id: r.id }),
    (r) => r,
  );
}

/**
 * Deletes a meeting with its room theme and logo and records `meeting.deleted`. Deleting a
 * meeting that is already gone (deleted or expired) is a no-op; another org's is a 404.
 */
export async function deleteMeeting(
  db: Database,
  bucket: R2Bucket,
  orgId: string,
  meetingId: string,
  now = Date.now(),
): Promise<DomainEvent | null> {
  const row = await findMeeting(db, orgId, meetingId);
  if (!row) throw new ApiError("not_found", `No meeting ${meetingId}.`);
  // Already deleted, or past its hour of grace and waiting for the expiry job (which emits
  // meeting.expired): either way it is gone, and deleting it again changes nothing.
  if (row.deletedAt !== null || row.expiresAt <= now) return null;
  const event = newEvent(orgId, "meeting.deleted", meetingEventData(row), now);
  // The event goes first and only if the meeting is still live, so a concurrent DELETE (or the
  // expiry job) that got there first does not produce a second event.
  const [recorded, , themes] = await sqlBatch<{ logo_id: string | null }>(db, [
    recordEventWhere(event, meetingUndeleted(orgId, meetingId)),
    markMeetingDeleted(db, orgId, meetingId, now),
    deleteRoomTheme(orgId, row.roomName),
  ]);
  const logoKeys = (themes?.results ?? []).flatMap((t) => (t.logo_id ? [roomLogoKey(t.logo_id)] : []));
  if (logoKeys.length > 0) await bucket.delete(logoKeys);
  return (recorded?.meta.changes ?? 0) > 0 ? event : null;
}
