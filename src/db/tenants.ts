import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { orgStoragePrefixes } from "../storage/keys";
import {
  aiResults,
  apiKeys,
  auditLog,
  dashboardSessions,
  dataExports,
  erasures,
  events,
  invitations,
  meetings,
  members,
  organizations,
  recordingParts,
  recordings,
  roomEvents,
  roomParticipants,
  roomSessions,
  roomStates,
  roomThemes,
  signInThrottle,
  summaries,
  tombstones,
  transcriptions,
  transcriptSegmentPages,
  webhookDeliveries,
  webhookEndpoints,
} from "./schema";

/** A table holding an organization's data, and the column naming the organization. */
export interface TenantTable {
  table: SQLiteTable;
  orgColumn: SQLiteColumn;
}

/**
 * Every table of tenant data. Export, erasure and purge walk this list (children before parents: a
 * purge deletes in this order); a test fails when a table in `db/schema` is in neither list.
 */
export const TENANT_TABLES: readonly TenantTable[] = [
  { table: auditLog, orgColumn: auditLog.orgId },
  { table: dataExports, orgColumn: dataExports.orgId },
  { table: erasures, orgColumn: erasures.orgId },
  { table: webhookDeliveries, orgColumn: webhookDeliveries.orgId },
  { table: webhookEndpoints, orgColumn: webhookEndpoints.orgId },
  { table: events, orgColumn: events.orgId },
  { table: tombstones, orgColumn: tombstones.orgId },
  { table: roomParticipants, orgColumn: roomParticipants.orgId },
  { table: roomSessions, orgColumn: roomSessions.orgId },
  { table: roomStates, orgColumn: roomStates.orgId },
  { table: roomEvents, orgColumn: roomEvents.orgId },
  { table: aiResults, orgColumn: aiResults.orgId },
  { table: summaries, orgColumn: summaries.orgId },
  { table: transcriptSegmentPages, orgColumn: transcriptSegmentPages.orgId },
  { table: transcriptions, orgColumn: transcriptions.orgId },
  { table: recordingParts, orgColumn: recordingParts.orgId },
  { table: recordings, orgColumn: recordings.orgId },
  { table: roomThemes, orgColumn: roomThemes.orgId },
  { table: meetings, orgColumn: meetings.orgId },
  { table: apiKeys, orgColumn: apiKeys.orgId },
  { table: dashboardSessions, orgColumn: dashboardSessions.orgId },
  { table: invitations, orgColumn: invitations.orgId },
  { table: members, orgColumn: members.orgId },
];

/**
 * Tables that are not tenant data keyed by an org column: the organizations themselves (keyed by `id`), and
 * sign-in throttling, keyed by an account name that may belong to no organization.
 */
export const NON_TENANT_TABLES: readonly SQLiteTable[] = [organizations, signInThrottle];

/**
 * The R2 key prefixes under which every object of the organization lives. Room logos stored before
 * logos moved under the organization (`room-logos/<logoId>`) are outside them: they are found through
 * `room_themes.logo_id` and deleted, as before, when the logo is replaced or reset or the room goes.
 */
export function orgR2Prefixes(orgId: string): string[] {
  return orgStoragePrefixes(orgId);
}
