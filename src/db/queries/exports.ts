import { and, eq, sql } from "drizzle-orm";
import type { Cursor } from "../../lib/pagination";
import type { Database } from "../client";
import { type DataExportState, dataExports } from "../schema";
import { keyset } from "./keyset";

export type DataExportRow = typeof dataExports.$inferSelect;

export function insertExport(db: Database, row: DataExportRow) {
  return db.insert(dataExports).values(row);
}

export async function findExportRow(db: Database, orgId: string, exportId: string): Promise<DataExportRow | undefined> {
  return (
    await db
      .select()
      .from(dataExports)
      .where(and(eq(dataExports.id, exportId), eq(dataExports.orgId, orgId)))
      .limit(1)
  )[0];
}

/** Newest first. */
export function listExportRows(db: Database, orgId: string, query: { after: Cursor | null; limit: number }) {
  const page = keyset(dataExports.createdAt, dataExports.id, "desc", query.after);
  return db
    .select()
    .from(dataExports)
    .where(and(eq(dataExports.orgId, orgId), page.where))
    .orderBy(...page.orderBy)
    .limit(query.limit + 1);
}

const stillWriting = (orgId: string, exportId: string) =>
  and(eq(dataExports.id, exportId), eq(dataExports.orgId, orgId), eq(dataExports.state, "in_progress"));

/**
 * Replaces the writer's progress only if it is still at `step` (compare-and-set): of two deliveries of
 * the same message, one advances the export and the other learns it lost. True when this call won.
 */
export async function advanceExportProgress(
  db: Database,
  orgId: string,
  exportId: string,
  step: number,
  progress: Record<string, unknown>,
): Promise<boolean> {
  const result = await db
    .update(dataExports)
    .set({ progress })
    .where(and(stillWriting(orgId, exportId), sql`json_extract(${dataExports.progress}, '$.step') = ${step}`));
  return result.meta.changes > 0;
}

/** Ends an export still in progress: `ready` with its size, or `failed` with why. */
export async function finishExportRow(
  db: Database,
  orgId: string,
  exportId: string,
  outcome: {
    state: Exclude<DataExportState, "in_progress">;
    progress: Record<string, unknown> | null;
    sizeInBytes?: number;
    error?: string;
    completedAt: number;
  },
): Promise<boolean> {
  const result = await db
    .update(dataExports)
    .set({
      state: outcome.state,
      progress: outcome.progress,
      sizeInBytes: outcome.sizeInBytes ?? null,
      error: outcome.error ?? null,
      completedAt: outcome.completedAt,
    })
    .where(stillWriting(orgId, exportId));
  return result.meta.changes > 0;
}
