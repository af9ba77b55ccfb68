import { Hono } from "hono";
import { MEMBER_ROLES, type MemberRole } from "../../db/schema";
import { publicBaseUrl } from "../../env";
import { ApiError } from "../../lib/errors";
import type { DashboardMember } from "../../services/dashboard-sessions";
import { changeMemberRole, createInvitation, listMembers, type Member, removeMember } from "../../services/members";
import { dashboardAction } from "../action";
import type { DashboardContext, DashboardEnv } from "../env";
import { formOf, requireRole } from "../session";
import { ActionButton, Csrf, DataTable, formatDate, Layout, Notice } from "../ui";

const SELF = "/dashboard/members";
const isRole = (value: string | undefined): value is MemberRole => MEMBER_ROLES.includes(value as MemberRole);

function MembersPage(props: {
  member: DashboardMember;
  members: Member[];
  invited?: { email: string; inviteUrl: string; expiresAt: string };
  error?: string;
}) {
  const { member } = props;
  const isOwner = member.role === "owner";
  const invitable = isOwner ? MEMBER_ROLES : MEMBER_ROLES.filter((role) => role !== "owner");
  return (
    <Layout title="Members" member={member} current={SELF}>
      {props.invited && (
        <Notice>
          <p>
            Invitation for <b>{props.invited.email}</b>, valid until {formatDate(props.invited.expiresAt)}. Send them
            this link (single use; it is shown only now):
          </p>
          <p class="secret" id="invite-url">
            {props.invited.inviteUrl}
          </p>
        </Notice>
      )}
      {props.error && <Notice kind="error">{props.error}</Notice>}
      <DataTable
        headings={["Name", "Email", "Role", "Joined", ...(isOwner ? [<span class="muted">Actions</span>] : [])]}
      >
        {props.members.map((m) => (
          <tr>
            <td>{m.name}</td>
            <td>{m.email}</td>
            <td>
              {isOwner ? (
                <form class="inline" method="post" action={`${SELF}/${m.id}/role`}>
                  <Csrf member={member} />
                  <label class="check">
                    <span class="muted">Role of {m.name}</span>
                    <select name="role" aria-label={`Role of ${m.name}`}>
                      {MEMBER_ROLES.map((role) => (
                        <option value={role} selected={role === m.role}>
                          {role}
                        </option>
                      ))}
                    </select>
                  </label>
                  <button type="submit" class="secondary">
                    Change role
                  </button>
                </form>
              ) : (
                m.role
              )}
            </td>
            <td>{formatDate(m.createdAt)}</td>
            {isOwner && (
              <td>
                <ActionButton member={member} action={`${SELF}/${m.id}/remove`} label={`Remove ${m.name}`} danger />
              </td>
            )}
          </tr>
        ))}
      </DataTable>
      <h2>Invite someone</h2>
      <form method="post" action={`${SELF}/invite`} class="card">
        <Csrf member={member} />
        <label for="invite-email">Email</label>
        <input id="invite-email" name="email" type="email" required maxlength={254} />
        <label for="invite-role">Role</label>
        <select id="invite-role" name="role">
          {invitable.map((role) => (
            <option value={role} selected={role === "agent"}>
              {role}
            </option>
          ))}
        </select>
        <button type="submit">Create invitation link</button>
      </form>
      <p class="muted">
        Owners: everything, members and roles included. Admins: API keys, webhooks and data. Agents: read meetings,
        recordings and transcripts.
      </p>
    </Layout>
  );
}

async function page(
  c: DashboardContext,
  extra: Partial<Parameters<typeof MembersPage>[0]> = {},
  status: 200 | 400 = 200,
) {
  const member = c.get("member");
  return c.html(
    <MembersPage member={member} members={await listMembers(c.var.deps.db, member.orgId)} {...extra} />,
    status,
  );
}

/** Members (owners and admins see it; only owners change roles and remove; admins invite admins and agents). */
export const membersPages = new Hono<DashboardEnv>()
  .use(SELF, requireRole("owner", "admin"))
  .use(`${SELF}/*`, requireRole("owner", "admin"))
  .get(SELF, (c) => page(c))
  .post(`${SELF}/invite`, async (c) => {
    const member = c.get("member");
    const form = await formOf(c);
    const email = (form.email ?? "").trim();
    if (!isRole(form.role) || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254) {
      return page(c, { error: "Give a valid email address and role." }, 400);
    }
    const role = form.role;
    const invited = await dashboardAction(
      c,
      { route: `${SELF}/invite`, createdId: (invitation) => invitation.invitationId },
      () =>
        createInvitation(
          c.var.deps.db,
          member.orgId,
          { email, role },
          { id: member.memberId, role: member.role },
          publicBaseUrl(c.env, c.req.url),
        ),
    );
    return page(c, { invited: { email, ...invited } });
  })
  .post(`${SELF}/:memberId/role`, requireRole("owner"), async (c) => {
    const member = c.get("member");
    const memberId = c.req.param("memberId");
    const { role } = await formOf(c);
    if (!isRole(role)) throw new ApiError("validation_error", "Choose owner, admin or agent.");
    await dashboardAction(c, { route: `${SELF}/{memberId}/role`, objectId: memberId }, () =>
      changeMemberRole(c.var.deps.db, member.orgId, member, memberId, role),
    );
    return c.redirect(SELF, 303);
  })
  .post(`${SELF}/:memberId/remove`, requireRole("owner"), async (c) => {
    const member = c.get("member");
    const memberId = c.req.param("memberId");
    await dashboardAction(c, { route: `${SELF}/{memberId}/remove`, objectId: memberId }, () =>
      removeMember(c.var.deps.db, member.orgId, member, memberId),
    );
    return c.redirect(memberId === member.memberId ? "/dashboard/sign-in" : SELF, 303);
  });
