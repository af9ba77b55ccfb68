import type { Database } from "../db/client";
import {
  clearSignInFailures,
  deleteExpiredSessions,
  deleteSession,
  findMemberByEmail,
  findSessionByTokenHash,
  findThrottle,
  insertSession,
  recordSignInFailure,
  touchSession,
} from "../db/queries/dashboard";
import type { MemberRole } from "../db/schema";
import { hmacSha256, sha256Hex, timingSafeEqualStrings } from "../lib/crypto";
import { bytesToBase64Url } from "../lib/encoding";
import { newId } from "../lib/ids";
import { verifyPassword } from "../lib/passwords";
import { normalizeEmail } from "./members";

export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 7 * 24 * 60 * 60 * 1000;
/** `lastSeenAt` is written at most this often, so a page view is not a D1 write. */
export const SESSION_TOUCH_MS = 5 * 60 * 1000;
export const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;
export const SIGN_IN_MAX_FAILURES = 5;
export const SIGN_IN_LOCK_MS = 15 * 60 * 1000;

/** The signed-in member, as every dashboard page sees it. */
export interface DashboardMember {
  sessionId: string;
  memberId: string;
  orgId: string;
  orgName: string;
  name: string;
  email: string;
  role: MemberRole;
  /** The form token bound to this session. */
  csrfToken: string;
}

export type SignInResult =
  | { outcome: "signed_in"; token: string; memberId: string; orgId: string }
  | { outcome: "invalid" }
  | { outcome: "throttled"; retryAfterMs: number };

function newSessionToken(): string {
  return bytesToBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

/** The CSRF token of a session: derived from its cookie token, so nothing more is stored and it dies with it. */
export async function csrfTokenFor(sessionToken: string): Promise<string> {
  return bytesToBase64Url(await hmacSha256(sessionToken, "parley-dashboard-csrf"));
}

export async function csrfTokenMatches(sessionToken: string, submitted: string | undefined): Promise<boolean> {
  if (!submitted) return false;
  return timingSafeEqualStrings(await csrfTokenFor(sessionToken), submitted);
}

/**
 * Email + password sign-in. Throttled per account name whether or not the account exists, and an unknown
 * account costs the same bcrypt work as a wrong password, so neither answer nor timing tells them apart.
 * Every success makes a new session with a new token (no fixation).
 */
export async function signIn(
  db: Database,
  emailInput: string,
  password: string,
  now = Date.now(),
): Promise<SignInResult> {
  const email = normalizeEmail(emailInput);
  const emailHash = await sha256Hex(`sign-in:${email}`);
  const throttle = await findThrottle(db, emailHash);
  if (throttle?.lockedUntil && throttle.lockedUntil > now) {
    return { outcome: "throttled", retryAfterMs: throttle.lockedUntil - now };
  }
  const member = await findMemberByEmail(db, email);
  const valid = await verifyPassword(password.slice(0, 1024), member?.passwordHash ?? null);
  if (!member || !valid) {
    await recordSignInFailure(db, emailHash, now, SIGN_IN_WINDOW_MS, SIGN_IN_MAX_FAILURES, SIGN_IN_LOCK_MS);
    return { outcome: "invalid" };
  }
  if (throttle) await clearSignInFailures(db, emailHash);
  const token = newSessionToken();
  await insertSession(db, {
    id: newId("ses"),
    orgId: member.orgId,
    memberId: member.id,
    tokenHash: await sha256Hex(token),
    createdAt: now,
    lastSeenAt: now,
    expiresAt: now + SESSION_ABSOLUTE_MS,
  });
  return { outcome: "signed_in", token, memberId: member.id, orgId: member.orgId };
}

/**
 * The member a session cookie's token belongs to, or null (unknown, signed out, member removed, idle for 12 h or
 * older than 7 days). `touch` is handed the write that refreshes the idle clock, when one is due.
 */
export async function resolveSession(
  db: Database,
  token: string,
  now = Date.now(),
  touch: (write: Promise<void>) => void = () => {},
): Promise<DashboardMember | null> {
  if (!token || token.length > 100) return null;
  const found = await findSessionByTokenHash(db, await sha256Hex(token));
  if (!found) return null;
  const { session, member, org } = found;
  if (session.expiresAt <= now || session.lastSeenAt + SESSION_IDLE_MS <= now) {
    touch(deleteSession(db, session.orgId, session.id));
    return null;
  }
  if (now - session.lastSeenAt >= SESSION_TOUCH_MS) touch(touchSession(db, session.orgId, session.id, now));
  return {
    sessionId: session.id,
    memberId: member.id,
    orgId: org.id,
    orgName: org.name,
    name: member.name,
    email: member.email,
    role: member.role,
    csrfToken: await csrfTokenFor(token),
  };
}

export async function signOut(db: Database, member: Pick<DashboardMember, "orgId" | "sessionId">): Promise<void> {
  await deleteSession(db, member.orgId, member.sessionId);
}

/** At most this many sessions go per cron run; a backlog is cleared over the following minutes. */
export const SESSION_SWEEP_BATCH = 500;

/** Cron: deletes sessions past their absolute (7 d) or idle (12 h) expiry, a bounded batch. */
export function sweepExpiredSessions(db: Database, now: number): Promise<number> {
  return deleteExpiredSessions(db, now, SESSION_IDLE_MS, SESSION_SWEEP_BATCH);
}
