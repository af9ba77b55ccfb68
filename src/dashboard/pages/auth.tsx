import type { OpenInvitation } from "../../services/members";
import { Layout, Notice } from "../ui";

export function SignInPage(props: { email?: string; error?: string }) {
  return (
    <Layout title="Sign in">
      {props.error && <Notice kind="error">{props.error}</Notice>}
      <form method="post" action="/dashboard/sign-in" class="card">
        <label for="email">Email</label>
        <input id="email" name="email" type="email" autocomplete="username" required value={props.email ?? ""} />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required />
        <button type="submit">Sign in</button>
      </form>
    </Layout>
  );
}

export function InvitationPage(props: { token: string; invitation: OpenInvitation; name?: string; error?: string }) {
  const { invitation } = props;
  return (
    <Layout title={`Join ${invitation.orgName}`}>
      <p>
        You are invited as <b>{invitation.role}</b> with the email <b>{invitation.email}</b>. Choose your name and a
        password (12 to 128 characters) to accept.
      </p>
      {props.error && <Notice kind="error">{props.error}</Notice>}
      <form method="post" action="/dashboard/invitation" class="card">
        <input type="hidden" name="token" value={props.token} />
        <label for="name">Your name</label>
        <input id="name" name="name" autocomplete="name" required maxlength={200} value={props.name ?? ""} />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="new-password"
          required
          minlength={12}
          maxlength={128}
        />
        <button type="submit">Accept the invitation</button>
      </form>
    </Layout>
  );
}
