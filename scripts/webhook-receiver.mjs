#!/usr/bin/env node
// A local webhook receiver for development, the test suite and the webhook bench.
//
//   node scripts/webhook-receiver.mjs [port]          # prints every delivery; with WEBHOOK_SECRET=whsec_…
//                                                     # set, also verifies it with the standardwebhooks package
//
// Deliveries to /hooks/<name> are recorded per name. What a name answers is programmable, so tests can
// make an endpoint fail, stall or vanish:
//   PUT    /__behaviour/<name>  {"status":500,"retryAfter":"30","delayMs":0}   (default: 204 at once)
//   GET    /__deliveries/<name> → [{ headers, body, receivedAt }]
//   DELETE /__deliveries/<name>
import { createServer } from "node:http";
import { pathToFileURL } from "node:url";

/** Starts a receiver on 127.0.0.1; resolves once it listens. `onDelivery` sees every recorded delivery. */
export function startReceiver({ port = 0, onDelivery } = {}) {
  const deliveries = new Map();
  const behaviours = new Map();
  const readBody = (req) =>
    new Promise((resolve, reject) => {
      const chunks = [];
      req.on("data", (chunk) => chunks.push(chunk));
      req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      req.on("error", reject);
    });
  const json = (res, status, value) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(value));
  };

  const server = createServer(async (req, res) => {
    const [, kind, name] = new URL(req.url ?? "/", "http://receiver").pathname.split("/");
    const body = await readBody(req);
    if (kind === "__behaviour" && req.method === "PUT") {
      behaviours.set(name, JSON.parse(body || "{}"));
      return json(res, 200, behaviours.get(name));
    }
    if (kind === "__deliveries" && req.method === "GET") return json(res, 200, deliveries.get(name) ?? []);
    if (kind === "__deliveries" && req.method === "DELETE") {
      deliveries.delete(name);
      return json(res, 200, []);
    }
    if (kind !== "hooks" || req.method !== "POST") return json(res, 404, { error: "not a receiver route" });
    const delivery = { headers: req.headers, body, receivedAt: Date.now() };
    if (!deliveries.has(name)) deliveries.set(name, []);
    deliveries.get(name).push(delivery);
    onDelivery?.(name, delivery);
    const behaviour = behaviours.get(name) ?? {};
    if (behaviour.delayMs) await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
    const headers = behaviour.retryAfter ? { "retry-after": String(behaviour.retryAfter) } : {};
    if (behaviour.location) headers.location = behaviour.location;
    res.writeHead(behaviour.status ?? 204, headers);
    res.end();
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => {
    server.listen(port, "127.0.0.1", () => {
      const { port: actual } = server.address();
      resolve({
        url: `http://127.0.0.1:${actual}`,
        deliveries,
        close: () => new Promise((done) => server.close(done)),
        server,
      });
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const secret = process.env.WEBHOOK_SECRET;
  const verifier = secret ? new (await import("standardwebhooks")).Webhook(secret) : null;
  const receiver = await startReceiver({
    port: Number(process.argv[2] ?? 8788),
    onDelivery: (name, { headers, body }) => {
      let verdict = "";
      if (verifier) {
        try {
          verifier.verify(body, headers);
          verdict = " ✓ signature verified";
        } catch (error) {
          verdict = ` ✗ ${error.message}`;
        }
      }
      console.log(`[${name}] ${headers["webhook-id"]} ${body}${verdict}`);
    },
  });
  console.log(`Receiving webhooks at ${receiver.url}/hooks/<name> (Ctrl+C to stop)`);
}
