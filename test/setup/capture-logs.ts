import { env } from "cloudflare:workers";
import { afterAll, beforeAll, expect } from "vitest";
import { capturedLogs, findLeaks, installLogCapture, neverLog, resetCapturedLogs } from "../log-capture";

// Every test file of the workers project: what Parley logs must hold no secret and no request body (SPEC §9).
installLogCapture();
for (const name of ["ADMIN_TOKEN", "ROOM_KEY_SECRET", "FILE_TOKEN_SECRET", "OPENAI_API_KEY"] as const)
  neverLog(env[name]);
for (const entry of env.SECRETS_KEY.split(",")) neverLog(entry.slice(entry.indexOf(":") + 1));

beforeAll(() => resetCapturedLogs());
afterAll(() => {
  expect(findLeaks(capturedLogs()), "secrets or request bodies in the logs").toEqual([]);
});
