import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const MEMBER_ROLES = ["owner", "admin", "agent"] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

/**
 * A person who signs in to the dashboard (SPEC §11). An email address belongs to one organization at a time, so
 * sign-in needs no organization picker. Only a bcrypt hash of the password is kept.
 */
export const members = sqliteTable(
  "members",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    /** Trimmed and lowercased. */
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: text("role").$type<MemberRole>().notNull(),
    passwordHash: text("password_hash").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("members_email_idx").on(t.email), index("members_org_created_idx").on(t.orgId, t.createdAt)],
);

/** A single-use invitation to become a member; only the SHA-256 of its token is kept. */
export const invitations = sqliteTable(
  "invitations",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    email: text("email").notNull(),
    role: text("role").$type<MemberRole>().notNull(),
    tokenHash: text("token_hash").notNull(),
    /** The member who invited; null when the operator did. */
    invitedBy: text("invited_by"),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    acceptedAt: integer("accepted_at"),
  },
  (t) => [uniqueIndex("invitations_token_idx").on(t.tokenHash), index("invitations_org_idx").on(t.orgId, t.createdAt)],
);

/** A signed-in browser; only the SHA-256 of the cookie's token is kept. Deleted at sign-out and member removal. */
export const dashboardSessions = sqliteTable(
  "dashboard_sessions",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    memberId: text("member_id").notNull(),
    tokenHash: text("token_hash").notNull(),
    createdAt: integer("created_at").notNull(),
    /** Refreshed at most every few minutes (not on every page), for the idle expiry. */
    lastSeenAt: integer("last_seen_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [
    uniqueIndex("dashboard_sessions_token_idx").on(t.tokenHash),
    index("dashboard_sessions_member_idx").on(t.memberId),
    index("dashboard_sessions_expires_idx").on(t.expiresAt),
  ],
);

/**
 * Failed sign-ins per account name (the SHA-256 of the lowercased email), whether or not such a member exists,
 * so the answer never tells. Not tenant data: a row may name no member at all.
 */
export const signInThrottle = sqliteTable("sign_in_throttle", {
  emailHash: text("email_hash").primaryKey(),
  windowStart: integer("window_start").notNull(),
  failures: integer("failures").notNull(),
  lockedUntil: integer("locked_until"),
});

export type MemberRow = typeof members.$inferSelect;
export type InvitationRow = typeof invitations.$inferSelect;
export type DashboardSessionRow = typeof dashboardSessions.$inferSelect;
