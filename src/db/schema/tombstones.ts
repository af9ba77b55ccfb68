import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export type TombstoneKind = "transcription" | "summary";

/**
 * Ids of objects the organization deleted lately (kept 30 days, then purged by the retention cron): a repeated
 * DELETE of one stays 204, while an id never seen or another organization's is 404 (SPEC §1).
 */
export const tombstones = sqliteTable(
  "tombstones",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    kind: text("kind").$type<TombstoneKind>().notNull(),
    deletedAt: integer("deleted_at").notNull(),
  },
  (t) => [index("tombstones_deleted_idx").on(t.deletedAt)],
);
