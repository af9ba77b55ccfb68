import type { Database } from "../db/client";
import {
  acceptInvitationAsMember,
  deleteMemberAndSessions,
  findInvitationByTokenHash,
  findMember,
  findMemberByEmail,
  insertInvitation,
  listMemberRows,
  setMemberRole,
} from "../db/queries/dashboard";
import { getOrganizationRow } from "../db/queries/organizations";
import type { MemberRole, MemberRow } from "../db/schema";
import { sha256Hex } from "../lib/crypto";
import { randomBase62 } from "../lib/encoding";
import { ApiError } from "../lib/errors";
import { newId } from "../lib/ids";
import { hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "../lib/passwords";
import { iso } from "../lib/time";

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const INVITATION_PATH = "/dashboard/invitation";

export interface Member {
  id: string;
  email: string;
  name: string;
  role: MemberRole;
  createdAt: string;
}

const toMember = (row: MemberRow): Member => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  createdAt: iso(row.createdAt),
});

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/** Who is acting: a member (the dashboard) or the operator (null). */
export type Inviter = { id: string; role: MemberRole } | null;

/**
 * Creates a single-use invitation valid for 7 days; the link's token is returned once and only its hash kept.
 * Admins cannot invite owners; an email that already belongs to a member cannot be invited.
 */
export async function createInvitation(
  db: Database,
  orgId: string,
  input: { email: string; role: MemberRole },
  inviter: Inviter,
  baseUrl: string,
  now = Date.now(),
): Promise<{ invitationId: string; inviteUrl: string; expiresAt: string }> {
  if (inviter && inviter.role === "agent") throw new ApiError("forbidden", "Agents cannot invite members.");
  if (inviter && inviter.role !== "owner" && input.role === "owner") {
    throw new ApiError("forbidden", "Only an owner can invite another owner.");
  }
  await getOrganizationRow(db, orgId);
  const email = normalizeEmail(input.email);
  if (await findMemberByEmail(db, email)) {
    throw new ApiError("conflict", "This email address already belongs to a member of an organization.");
  }
  const token = randomBase62(43);
  const id = newId("inv");
  const expiresAt = now + INVITATION_TTL_MS;
  await insertInvitation(db, {
    id,
    orgId,
    email,
    role: input.role,
    tokenHash: await sha256Hex(token),
    invitedBy: inviter?.id ?? null,
    createdAt: now,
    expiresAt,
    acceptedAt: null,
  });
  return { invitationId: id, inviteUrl: `${baseUrl}${INVITATION_PATH}?token=${token}`, expiresAt: iso(expiresAt) };
}

export interface OpenInvitation {
  id: string;
  email: string;
  role: MemberRole;
  orgId: string;
  orgName: string;
}

/** The invitation a link's token names, if it can still be accepted (else 404: used, expired or unknown alike). */
export async function openInvitation(db: Database, token: string, now = Date.now()): Promise<OpenInvitation> {
  const found = token ? await findInvitationByTokenHash(db, await sha256Hex(token)) : undefined;
  if (!found || found.invitation.acceptedAt !== null || found.invitation.expiresAt <= now) {
    throw new ApiError("not_found", "This invitation link is not valid: it was used already, has expired or is wrong.");
  }
  const { invitation } = found;
  return {
    id: invitation.id,
    email: invitation.email,
    role: invitation.role,
    orgId: invitation.orgId,
    orgName: found.orgName,
  };
}

/** Validates a new password's length (12–128 characters, SPEC §11). */
export function checkPassword(password: string): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH || length > PASSWORD_MAX_LENGTH) {
    throw new ApiError(
      "validation_error",
      `The password must be ${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters long.`,
      { errors: [{ location: "body.password", message: "Wrong length" }] },
    );
  }
}

/** Accepts an invitation: the member is created with the invited email and role; the link is spent. */
export async function acceptInvitation(
  db: Database,
  token: string,
  input: { name: string; password: string },
  now = Date.now(),
): Promise<Member & { orgId: string }> {
  const invitation = await openInvitation(db, token, now);
  const name = input.name.trim();
  if (name.length < 1 || name.length > 200) {
    throw new ApiError("validation_error", "Give a name of 1–200 characters.", {
      errors: [{ location: "body.name", message: "Wrong length" }],
    });
  }
  checkPassword(input.password);
  if (await findMemberByEmail(db, invitation.email)) {
    throw new ApiError("conflict", "This email address already belongs to a member of an organization.");
  }
  const row: MemberRow = {
    id: newId("mem"),
    orgId: invitation.orgId,
    email: invitation.email,
    name,
    role: invitation.role,
    passwordHash: await hashPassword(input.password),
    createdAt: now,
    updatedAt: now,
  };
  if (!(await acceptInvitationAsMember(db, invitation.id, row, now))) {
    throw new ApiError("not_found", "This invitation link is not valid: it was used already or has expired.");
  }
  return { ...toMember(row), orgId: row.orgId };
}

export async function listMembers(db: Database, orgId: string): Promise<Member[]> {
  return (await listMemberRows(db, orgId)).map(toMember);
}

/** Only owners change roles; the last owner cannot stop being one. */
export async function changeMemberRole(
  db: Database,
  orgId: string,
  actor: { role: MemberRole },
  memberId: string,
  role: MemberRole,
): Promise<void> {
  if (actor.role !== "owner") throw new ApiError("forbidden", "Only an owner can change roles.");
  if (!(await findMember(db, orgId, memberId))) throw new ApiError("not_found", `No member ${memberId}.`);
  if (!(await setMemberRole(db, orgId, memberId, role, Date.now()))) {
    throw new ApiError("conflict", "An organization keeps at least one owner: make someone else owner first.");
  }
}

/** Only owners remove members; removal ends the member's sessions at once. The last owner stays. */
export async function removeMember(
  db: Database,
  orgId: string,
  actor: { role: MemberRole },
  memberId: string,
): Promise<void> {
  if (actor.role !== "owner") throw new ApiError("forbidden", "Only an owner can remove members.");
  if (!(await findMember(db, orgId, memberId))) throw new ApiError("not_found", `No member ${memberId}.`);
  if (!(await deleteMemberAndSessions(db, orgId, memberId))) {
    throw new ApiError("conflict", "An organization keeps at least one owner: make someone else owner first.");
  }
}
