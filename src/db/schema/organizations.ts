import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { LimitOverrides, PlanName } from "../../lib/plans";

export type OrganizationStatus = "active" | "suspended" | "cancelled";

export const organizations = sqliteTable(
  "organizations",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    plan: text("plan").$type<PlanName>().notNull(),
    status: text("status").$type<OrganizationStatus>().notNull().default("active"),
    limitOverrides: text("limit_overrides", { mode: "json" }).$type<LimitOverrides>(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    cancelledAt: integer("cancelled_at"),
    /** When a purge of this cancelled organization was last claimed or advanced; a stale claim is taken over. */
    purgeClaimedAt: integer("purge_claimed_at"),
  },
  (t) => [
    index("organizations_created_idx").on(t.createdAt, t.id),
    index("organizations_cancelled_idx").on(t.cancelledAt).where(sql`status = 'cancelled'`),
  ],
);

export type OrganizationRow = typeof organizations.$inferSelect;
