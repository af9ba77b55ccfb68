// The Worker `npm run bench` runs: Parley's own app plus one reference route that makes a single org Durable
// Object RPC and nothing else, so the bench can tell the Durable Object hop (which every authenticated request
// makes for its point budget, SPEC §3) from the rest of the authenticated path. Never deployed: wrangler.toml's
// `main` is src/index.ts; only the bench passes this file to `wrangler dev`.
// `bench/audit.mjs` runs it too: a request with `x-bench-audit: off` goes to the same app built without the audit
// trail, so the audit log's cost is measured on the same route in the same run.
import { createApp } from "../src/app";
import worker from "../src/index";
import { orgGate } from "../src/services/org-gate";

export { OrgGate } from "../src/index";

const REFERENCE_PATH = "/__bench/gate-rpc";

const app = createApp();
app.get(REFERENCE_PATH, async (c) => {
  const orgId = c.req.query("org") ?? "";
  return c.json({ status: await orgGate(c.env, orgId).organizationStatus(orgId) });
});
const unaudited = createApp({ audit: false });

// What a transcription's storage reads cost alone: one ranged read of the recording piped into a sink that drops
// it, as the ai-jobs consumer reads each chunk for the provider (bench/transcription.mjs calls it chunk by chunk).
app.get("/__bench/r2-ranged-read", async (c) => {
  const range = { offset: Number(c.req.query("offset")), length: Number(c.req.query("length")) };
  const object = await c.env.RECORDINGS.get(c.req.query("key") ?? "", { range });
  if (!object) return c.json({ error: "no such object" }, 404);
  await object.body.pipeTo(new WritableStream());
  return c.json({ read: range.length });
});

export default {
  ...worker,
  fetch: (request, env, ctx) =>
    (request.headers.get("x-bench-audit") === "off" ? unaudited : app).fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;
