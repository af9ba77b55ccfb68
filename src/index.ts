import { createApp } from "./app";
import { runScheduled } from "./cron";
import { handleQueue } from "./queues";

export { OrgGate } from "./durable-objects/org-gate";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: handleQueue,
  scheduled: runScheduled,
} satisfies ExportedHandler<Env>;
