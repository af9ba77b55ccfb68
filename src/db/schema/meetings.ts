import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export type RoomMode = "normal" | "group";
export interface RecordingSettings {
  type: "none" | "local" | "cloud";
  startTrigger: "none" | "prompt" | "automatic" | "automatic-2nd-participant";
}

export const meetings = sqliteTable(
  "meetings",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    roomName: text("room_name").notNull(),
    startDate: integer("start_date").notNull(),
    endDate: integer("end_date").notNull(),
    /** endDate + 1 hour: from then on the meeting answers 404 and the cron job deletes it. */
    expiresAt: integer("expires_at").notNull(),
    isLocked: integer("is_locked", { mode: "boolean" }).notNull(),
    roomMode: text("room_mode").$type<RoomMode>().notNull(),
    templateType: text("template_type").$type<"viewerMode">(),
    recording: text("recording", { mode: "json" }).$type<RecordingSettings>().notNull(),
    metadata: text("metadata"),
    createdAt: integer("created_at").notNull(),
    /** Tombstone: deleted meetings keep their row so DELETE stays idempotent. */
    deletedAt: integer("deleted_at"),
    /** Which expiry run deleted the meeting; lets one SQL batch emit its events. */
    expiryRun: text("expiry_run"),
  },
  (t) => [
    index("meetings_org_created_idx").on(t.orgId, t.createdAt, t.id),
    index("meetings_org_room_idx").on(t.orgId, t.roomName),
    uniqueIndex("meetings_live_room_idx").on(t.roomName).where(sql`deleted_at IS NULL`),
    index("meetings_expiry_idx").on(t.expiresAt).where(sql`deleted_at IS NULL`),
    index("meetings_expiry_run_idx").on(t.expiryRun).where(sql`expiry_run IS NOT NULL`),
  ],
);

export type MeetingRow = typeof meetings.$inferSelect;
