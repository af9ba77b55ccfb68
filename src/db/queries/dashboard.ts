import { and, asc, eq, isNull, lt, or, sql } from "drizzle-orm";
import { sqlBatch } from "../batch";
import type { Database } from "../client";
import {
  type DashboardSessionRow,
  dashboardSessions,
  type InvitationRow,
  invitations,
  type MemberRole,
  type MemberRow,
  members,
  organizations,
  signInThrottle,
} from "../schema";

// Lookups by an unguessable token hash or by sign-in email are cross-tenant by nature (the caller has no
// organization yet); everything else here takes the organization.

export async function insertInvitation(db: Database, row: InvitationRow): Promise<void> {
  await db.insert(invitations).values(row);
}

/** The invitation a token hash names, with its organization's name; any organization. */
export async function findInvitationByTokenHash(db: Database, tokenHash: string) {
  return (
    await db
      .select({ invitation: invitations, orgName: organizations.name })
      .from(invitations)
      .innerJoin(organizations, eq(organizations.id, invitations.orgId))
      .where(eq(invitations.tokenHash, tokenHash))
      .limit(1)
  )[0];
}

/**
 * Marks the invitation used and creates its member in one batch (a D1 batch is one transaction): both
 * happen, or, when the invitation was used or expired meanwhile or the email is taken, neither.
 * Returns false when the invitation was no longer usable.
 */
export async function acceptInvitationAsMember(
  db: Database,
  invitationId: string,
  member: MemberRow,
  now: number,
): Promise<boolean> {
  const [claimed] = await sqlBatch(db, [
    db
      .update(invitations)
      .set({ acceptedAt: now })
      .where(
        and(eq(invitations.id, invitationId), isNull(invitations.acceptedAt), sql`${invitations.expiresAt} > ${now}`),
      )
      .returning({ id: invitations.id }),
    sql`
      INSERT INTO ${members} (id, org_id, email, name, role, password_hash, created_at, updated_at)
      SELECT ${member.id}, ${member.orgId}, ${member.email}, ${member.name}, ${member.role}, ${member.passwordHash},
             ${member.createdAt}, ${member.updatedAt}
      FROM ${invitations} WHERE ${invitations.id} = ${invitationId} AND ${invitations.acceptedAt} = ${now}`,
  ]);
  return (claimed?.results.length ?? 0) === 1;
}

export async function findMemberByEmail(db: Database, email: string): Promise<MemberRow | undefined> {
  return (await db.select().from(members).where(eq(members.email, email)).limit(1))[0];
}

export function listMemberRows(db: Database, orgId: string): Promise<MemberRow[]> {
  return db.select().from(members).where(eq(members.orgId, orgId)).orderBy(asc(members.createdAt)).limit(500);
}

export async function findMember(db: Database, orgId: string, memberId: string): Promise<MemberRow | undefined> {
  return (
    await db
      .select()
      .from(members)
      .where(and(eq(members.id, memberId), eq(members.orgId, orgId)))
      .limit(1)
  )[0];
}

/** Another owner than this member remains: the condition that keeps at least one owner. */
const anotherOwner = (orgId: string, memberId: string) =>
  sql`EXISTS (SELECT 1 FROM ${members} m2 WHERE m2.org_id = ${orgId} AND m2.role = 'owner' AND m2.id != ${memberId})`;

/**
 * Sets the role unless that would leave the organization without an owner (one statement, so two owners
 * demoting each other at once cannot both succeed). False when refused or unknown.
 */
export async function setMemberRole(
  db: Database,
  orgId: string,
  memberId: string,
  role: MemberRole,
  now: number,
): Promise<boolean> {
  const rows = await db
    .update(members)
    .set({ role, updatedAt: now })
    .where(
      and(
        eq(members.id, memberId),
        eq(members.orgId, orgId),
        role === "owner" ? undefined : sql`(${members.role} != 'owner' OR ${anotherOwner(orgId, memberId)})`,
      ),
    )
    .returning({ id: members.id });
  return rows.length === 1;
}

/** Deletes the member and every session of theirs in one batch, unless they are the last owner. */
export async function deleteMemberAndSessions(db: Database, orgId: string, memberId: string): Promise<boolean> {
  const [deleted] = await db.batch([
    db
      .delete(members)
      .where(
        and(
          eq(members.id, memberId),
          eq(members.orgId, orgId),
          sql`(${members.role} != 'owner' OR ${anotherOwner(orgId, memberId)})`,
        ),
      )
      .returning({ id: members.id }),
    db
      .delete(dashboardSessions)
      .where(
        and(
          eq(dashboardSessions.orgId, orgId),
          eq(dashboardSessions.memberId, memberId),
          sql`NOT EXISTS (SELECT 1 FROM ${members} WHERE ${members.id} = ${memberId})`,
        ),
      ),
  ]);
  return deleted.length === 1;
}

export async function insertSession(db: Database, row: DashboardSessionRow): Promise<void> {
  await db.insert(dashboardSessions).values(row);
}

/** The session a token hash names, with its member and organization; any organization. */
export async function findSessionByTokenHash(db: Database, tokenHash: string) {
  return (
    await db
      .select({
        session: dashboardSessions,
        member: { id: members.id, name: members.name, email: members.email, role: members.role },
        org: { id: organizations.id, name: organizations.name },
      })
      .from(dashboardSessions)
      .innerJoin(members, and(eq(members.id, dashboardSessions.memberId), eq(members.orgId, dashboardSessions.orgId)))
      .innerJoin(organizations, eq(organizations.id, dashboardSessions.orgId))
      .where(eq(dashboardSessions.tokenHash, tokenHash))
      .limit(1)
  )[0];
}

export async function touchSession(db: Database, orgId: string, sessionId: string, now: number): Promise<void> {
  await db
    .update(dashboardSessions)
    .set({ lastSeenAt: now })
    .where(and(eq(dashboardSessions.id, sessionId), eq(dashboardSessions.orgId, orgId)));
}

export async function deleteSession(db: Database, orgId: string, sessionId: string): Promise<void> {
  await db
    .delete(dashboardSessions)
    .where(and(eq(dashboardSessions.id, sessionId), eq(dashboardSessions.orgId, orgId)));
}

/**
 * Cron: sessions past their absolute expiry or idle for `idleMs`, a bounded batch (cross-tenant sweep). The idle
 * test has no index of its own: the table holds one row per signed-in browser, which stays small.
 */
export async function deleteExpiredSessions(db: Database, now: number, idleMs: number, limit: number): Promise<number> {
  const rows = await db
    .delete(dashboardSessions)
    .where(
      sql`${dashboardSessions.id} IN (SELECT id FROM ${dashboardSessions} WHERE ${or(lt(dashboardSessions.expiresAt, now), lt(dashboardSessions.lastSeenAt, now - idleMs))} LIMIT ${limit})`,
    )
    .returning({ id: dashboardSessions.id });
  return rows.length;
}

export async function findThrottle(db: Database, emailHash: string) {
  return (await db.select().from(signInThrottle).where(eq(signInThrottle.emailHash, emailHash)).limit(1))[0];
}

/**
 * Counts a failed sign-in in one statement: a window older than `windowMs` starts over at 1, and the failure that
 * reaches `maxFailures` locks the account name until `now + lockMs`.
 */
export async function recordSignInFailure(
  db: Database,
  emailHash: string,
  now: number,
  windowMs: number,
  maxFailures: number,
  lockMs: number,
): Promise<void> {
  const stale = now - windowMs;
  await db.run(sql`
    INSERT INTO ${signInThrottle} (email_hash, window_start, failures, locked_until)
    VALUES (${emailHash}, ${now}, 1, ${maxFailures <= 1 ? now + lockMs : null})
    ON CONFLICT (email_hash) DO UPDATE SET
      failures = CASE WHEN window_start <= ${stale} THEN 1 ELSE failures + 1 END,
      window_start = CASE WHEN window_start <= ${stale} THEN ${now} ELSE window_start END,
      locked_until = CASE
        WHEN (CASE WHEN window_start <= ${stale} THEN 1 ELSE failures + 1 END) >= ${maxFailures} THEN ${now + lockMs}
        ELSE locked_until END`);
}

export async function clearSignInFailures(db: Database, emailHash: string): Promise<void> {
  await db.delete(signInThrottle).where(eq(signInThrottle.emailHash, emailHash));
}
