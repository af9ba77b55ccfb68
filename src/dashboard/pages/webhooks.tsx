import { Hono } from "hono";
import { allowInsecureWebhooks, secretsKeyring } from "../../env";
import { ApiError } from "../../lib/errors";
import type { DashboardMember } from "../../services/dashboard-sessions";
import { EVENT_TYPES } from "../../services/events";
import { listDeliveries, type toDelivery } from "../../services/webhook-delivery-log";
import { redeliverEvent, sendTestEvent } from "../../services/webhook-resends";
import {
  createWebhook,
  deleteWebhook,
  getWebhookRow,
  listWebhooks,
  rotateWebhookSecret,
  toWebhook,
  updateWebhook,
  type Webhook,
} from "../../services/webhooks";
import { dashboardAction } from "../action";
import type { DashboardContext, DashboardEnv } from "../env";
import { organizationView } from "../org-view";
import { formOf, requireRole } from "../session";
import { ActionButton, Csrf, DataTable, formatDate, Layout, Notice } from "../ui";

type Delivery = ReturnType<typeof toDelivery>;
const SELF = "/dashboard/webhooks";

function EventChoices(props: { selected: string[] }) {
  const all = props.selected.includes("*");
  return (
    <fieldset>
      <legend>Events</legend>
      <label class="check">
        <input type="checkbox" name="events" value="*" checked={all || props.selected.length === 0} />
        All events
      </label>
      {EVENT_TYPES.map((type) => (
        <label class="check">
          <input type="checkbox" name="events" value={type} checked={!all && props.selected.includes(type)} />
          <code>{type}</code>
        </label>
      ))}
    </fieldset>
  );
}

function WebhookFields(props: { webhook?: Webhook }) {
  const { webhook } = props;
  return (
    <>
      <label for="webhook-url">URL (https)</label>
      <input id="webhook-url" name="url" type="url" required maxlength={2048} value={webhook?.url ?? ""} />
      <label for="webhook-description">Description</label>
      <input id="webhook-description" name="description" maxlength={500} value={webhook?.description ?? ""} />
      <EventChoices selected={webhook?.events ?? []} />
    </>
  );
}

function SecretNotice(props: { secret: string; what: string }) {
  return (
    <Notice>
      <p>{props.what} Copy the signing secret now: it is shown only this once.</p>
      <p class="secret" id="webhook-secret">
        {props.secret}
      </p>
    </Notice>
  );
}

function WebhooksPage(props: { member: DashboardMember; webhooks: Webhook[]; secret?: string; error?: string }) {
  const { member } = props;
  return (
    <Layout title="Webhooks" member={member} current={SELF}>
      {props.secret && <SecretNotice secret={props.secret} what="Endpoint created." />}
      {props.error && <Notice kind="error">{props.error}</Notice>}
      <DataTable caption="Endpoints" headings={["URL", "Events", "Status"]}>
        {props.webhooks.map((webhook) => (
          <tr>
            <td>
              <a href={`${SELF}/${webhook.id}`}>{webhook.url}</a>
              {webhook.description && <div class="muted">{webhook.description}</div>}
            </td>
            <td>{webhook.events.join(", ")}</td>
            <td>{webhook.status}</td>
          </tr>
        ))}
      </DataTable>
      <h2>Add an endpoint</h2>
      <form method="post" action={SELF} class="card">
        <Csrf member={member} />
        <WebhookFields />
        <button type="submit">Add endpoint</button>
      </form>
    </Layout>
  );
}

function WebhookPage(props: {
  member: DashboardMember;
  webhook: Webhook;
  deliveries: Delivery[];
  secret?: string;
  message?: string;
}) {
  const { member, webhook } = props;
  const base = `${SELF}/${webhook.id}`;
  return (
    <Layout title="Webhook endpoint" member={member} current={SELF}>
      {props.secret && (
        <SecretNotice secret={props.secret} what="New secret issued; the old one signs for 24 more hours." />
      )}
      {props.message && <Notice>{props.message}</Notice>}
      <p>
        <a href={SELF}>All endpoints</a> · <code>{webhook.id}</code> · {webhook.status}
        {webhook.disabledReason && ` (${webhook.disabledReason})`}
      </p>
      <p>
        <ActionButton member={member} action={`${base}/test`} label="Send test event" />{" "}
        <ActionButton member={member} action={`${base}/rotate`} label="Rotate secret" />{" "}
        <ActionButton member={member} action={`${base}/delete`} label="Delete endpoint" danger />
      </p>
      <h2>Deliveries (last 30 days)</h2>
      <DataTable
        id="deliveries"
        headings={["When", "Event", "Attempt", "Status", "Response", <span class="muted">Actions</span>]}
      >
        {props.deliveries.map((delivery) => (
          <tr>
            <td>{formatDate(delivery.createdAt)}</td>
            <td>
              {delivery.eventType}
              <div class="muted">
                <code>{delivery.eventId}</code>
              </div>
            </td>
            <td>{delivery.attempt}</td>
            <td>{delivery.status}</td>
            <td>
              {delivery.responseStatus ?? "—"}
              {delivery.durationMs !== null && ` in ${delivery.durationMs} ms`}
              {delivery.error && <div class="muted">{delivery.error}</div>}
            </td>
            <td>
              <ActionButton
                member={member}
                action={`${base}/redeliver`}
                label="Redeliver"
                fields={{ eventId: delivery.eventId }}
              />
            </td>
          </tr>
        ))}
      </DataTable>
      {props.deliveries.length === 0 && <p class="muted">No deliveries yet. Send a test event, then reload.</p>}
      <h2>Edit</h2>
      <form method="post" action={base} class="card">
        <Csrf member={member} />
        <WebhookFields webhook={webhook} />
        <label for="webhook-status">Status</label>
        <select id="webhook-status" name="status">
          <option value="enabled" selected={webhook.status === "enabled"}>
            enabled
          </option>
          <option value="disabled" selected={webhook.status === "disabled"}>
            disabled
          </option>
        </select>
        <button type="submit">Save</button>
      </form>
    </Layout>
  );
}

/** The checked event types: `["*"]` when "All events" is checked or nothing is; unknown names are refused. */
async function chosenEvents(c: DashboardContext): Promise<string[]> {
  const body = await c.req.parseBody({ all: true });
  const values = [body.events ?? []].flat().filter((v): v is string => typeof v === "string");
  if (values.length === 0 || values.includes("*")) return ["*"];
  const unknown = values.filter((v) => !(EVENT_TYPES as readonly string[]).includes(v));
  if (unknown.length > 0) throw new ApiError("validation_error", `Unknown event types: ${unknown.join(", ")}.`);
  return values;
}

/** What the page says after a redirect from one of its forms (fixed texts; the event id is only echoed as text). */
function noticeOf(c: DashboardContext): string | undefined {
  const event = (c.req.query("event") ?? "").slice(0, 40);
  switch (c.req.query("notice")) {
    case "saved":
      return "Saved.";
    case "test":
      return `Test event ${event} queued; reload to see its delivery.`;
    case "redelivered":
      return `Event ${event} queued again; reload to see its delivery.`;
    default:
      return undefined;
  }
}

async function listAll(c: DashboardContext) {
  return (await listWebhooks(c.var.deps.db, c.get("member").orgId, { limit: 100 })).results;
}

async function detail(c: DashboardContext, extra: { secret?: string; message?: string } = {}) {
  const { orgId } = c.get("member");
  const db = c.var.deps.db;
  const webhook = toWebhook(await getWebhookRow(db, orgId, c.req.param("webhookId") ?? ""));
  const deliveries = (await listDeliveries(db, orgId, webhook.id, { limit: 50 })).results;
  return c.html(<WebhookPage member={c.get("member")} webhook={webhook} deliveries={deliveries} {...extra} />);
}

/** Webhooks (owners and admins): endpoints, secrets shown once, test, delivery log and redelivery. */
export const webhooksPages = new Hono<DashboardEnv>()
  .use(SELF, requireRole("owner", "admin"))
  .use(`${SELF}/*`, requireRole("owner", "admin"))
  .get(SELF, async (c) => c.html(<WebhooksPage member={c.get("member")} webhooks={await listAll(c)} />))
  .post(SELF, async (c) => {
    const member = c.get("member");
    const form = await formOf(c);
    const { org } = await organizationView(c);
    const input = { url: form.url ?? "", events: await chosenEvents(c), description: form.description || undefined };
    try {
      const keyring = await secretsKeyring(c.env);
      const created = await dashboardAction(c, { route: SELF, createdId: (webhook) => webhook.id }, () =>
        createWebhook(c.var.deps.db, keyring, org, input, allowInsecureWebhooks(c.env)),
      );
      return c.html(<WebhooksPage member={member} webhooks={await listAll(c)} secret={created.secret} />);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 400) throw error;
      return c.html(<WebhooksPage member={member} webhooks={await listAll(c)} error={error.message} />, 400);
    }
  })
  .get(`${SELF}/:webhookId`, (c) => detail(c, { message: noticeOf(c) }))
  .post(`${SELF}/:webhookId`, async (c) => {
    const { orgId } = c.get("member");
    const webhookId = c.req.param("webhookId");
    const form = await formOf(c);
    const patch = {
      url: form.url ?? "",
      events: await chosenEvents(c),
      description: form.description || null,
      status: form.status === "disabled" ? ("disabled" as const) : ("enabled" as const),
    };
    await dashboardAction(c, { route: `${SELF}/{webhookId}`, objectId: webhookId }, () =>
      updateWebhook(c.var.deps.db, orgId, webhookId, patch, allowInsecureWebhooks(c.env)),
    );
    return c.redirect(`${SELF}/${webhookId}?notice=saved`, 303);
  })
  .post(`${SELF}/:webhookId/rotate`, async (c) => {
    const { orgId } = c.get("member");
    const webhookId = c.req.param("webhookId");
    const keyring = await secretsKeyring(c.env);
    const rotated = await dashboardAction(c, { route: `${SELF}/{webhookId}/rotate`, objectId: webhookId }, () =>
      rotateWebhookSecret(c.var.deps.db, keyring, orgId, webhookId),
    );
    return detail(c, { secret: rotated.secret });
  })
  .post(`${SELF}/:webhookId/test`, async (c) => {
    const { orgId } = c.get("member");
    const webhookId = c.req.param("webhookId");
    const sent = await dashboardAction(c, { route: `${SELF}/{webhookId}/test`, objectId: webhookId }, () =>
      sendTestEvent(c.var.deps.queues, c.var.deps.db, orgId, webhookId),
    );
    return c.redirect(`${SELF}/${webhookId}?notice=test&event=${sent.eventId}`, 303);
  })
  .post(`${SELF}/:webhookId/redeliver`, async (c) => {
    const { orgId } = c.get("member");
    const webhookId = c.req.param("webhookId");
    const { eventId = "" } = await formOf(c);
    await dashboardAction(c, { route: `${SELF}/{webhookId}/redeliver`, objectId: eventId }, () =>
      redeliverEvent(c.var.deps.queues, c.var.deps.db, orgId, eventId, webhookId),
    );
    return c.redirect(`${SELF}/${webhookId}?notice=redelivered&event=${encodeURIComponent(eventId)}`, 303);
  })
  .post(`${SELF}/:webhookId/delete`, async (c) => {
    const { orgId } = c.get("member");
    const webhookId = c.req.param("webhookId");
    await dashboardAction(c, { route: `${SELF}/{webhookId}/delete`, objectId: webhookId }, () =>
      deleteWebhook(c.var.deps.db, orgId, webhookId),
    );
    return c.redirect(SELF, 303);
  });
