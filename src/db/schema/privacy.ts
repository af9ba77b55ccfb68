import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * One row per data-changing request, export download or operator call (SPEC §9). `keyId` is the API key,
 * `memberId` the dashboard member (§11); operator calls have neither. The row never holds a request body.
 */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    keyId: text("key_id"),
    memberId: text("member_id"),
    /** `api` (API key), `dashboard` (member), `operator` (ADMIN_TOKEN). */
    actorType: text("actor_type").$type<"api" | "dashboard" | "operator">().notNull(),
    method: text("method").notNull(),
    /** The route template, e.g. `/api/v1/meetings/{meetingId}`. */
    route: text("route").notNull(),
    objectId: text("object_id"),
    status: integer("status").notNull(),
    requestId: text("request_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("audit_log_org_created_idx").on(t.orgId, t.createdAt, t.id),
    index("audit_log_created_idx").on(t.createdAt),
  ],
);

export type DataExportState = "in_progress" | "ready" | "failed";

/** A data export (SPEC §9): one JSON document in R2, written in pages by queue jobs; deleted after 7 days. */
export const dataExports = sqliteTable(
  "data_exports",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    state: text("state").$type<DataExportState>().notNull(),
    /** Where the writer is: which section and cursor comes next, the R2 multipart upload id and its parts so far. */
    progress: text("progress", { mode: "json" }).$type<Record<string, unknown>>(),
    sizeInBytes: integer("size_in_bytes"),
    error: text("error"),
    createdAt: integer("created_at").notNull(),
    completedAt: integer("completed_at"),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [
    index("data_exports_org_created_idx").on(t.orgId, t.createdAt, t.id),
    index("data_exports_expires_idx").on(t.expiresAt),
  ],
);

export type ErasureState = "in_progress" | "ready" | "failed";
export type ErasureField = "externalId" | "displayName" | "email";

/**
 * An erasure request (SPEC §9). The subject is kept only as its SHA-256 (of the trimmed, lowercased value)
 * once the job is done: `subjectValue` holds the clear value while the job runs and is cleared at the end.
 */
export const erasures = sqliteTable(
  "erasures",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    state: text("state").$type<ErasureState>().notNull(),
    subjectField: text("subject_field").$type<ErasureField>().notNull(),
    subjectSha256: text("subject_sha256").notNull(),
    subjectValue: text("subject_value"),
    /**
     * UTF-16 length of the trimmed value: with the hash, it lets a write that lands after the erasure (a job
     * that was running, a replay) find the subject without the clear value (see `HashedSubject`).
     */
    subjectLength: integer("subject_length").notNull().default(0),
    counts: text("counts", { mode: "json" }).$type<Record<string, number>>().notNull(),
    progress: text("progress", { mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: integer("created_at").notNull(),
    completedAt: integer("completed_at"),
  },
  (t) => [index("erasures_org_created_idx").on(t.orgId, t.createdAt, t.id)],
);
