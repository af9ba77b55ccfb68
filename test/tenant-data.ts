import { env } from "cloudflare:workers";
import { getTableColumns } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { expect } from "vitest";
import { createDb } from "../src/db/client";
import { orgR2Prefixes, TENANT_TABLES } from "../src/db/tenants";
import { createMeeting, createOrg, media, type TestOrg } from "./helpers";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82, 1, 2, 3, 4]);

/** A value for a required column without default, by its type: enough for a row the purge must find. */
function sample(column: SQLiteColumn): unknown {
  if (column.enumValues?.length) return column.enumValues[0];
  switch (column.dataType) {
    case "number":
      return 1;
    case "boolean":
      return false;
    case "json":
      return {};
    case "date":
      return new Date();
    default:
      return `x_${crypto.randomUUID()}`;
  }
}

/** One row in every registered tenant table, built from the table's columns: a new table is covered as it is added. */
export async function rowInEveryTenantTable(orgId: string): Promise<void> {
  const db = createDb(env.DB);
  for (const { table, orgColumn } of TENANT_TABLES) {
    const row: Record<string, unknown> = {};
    for (const [name, column] of Object.entries(getTableColumns(table))) {
      if (column === orgColumn) row[name] = orgId;
      else if (column.notNull && !column.hasDefault) row[name] = sample(column);
    }
    await db.insert(table).values(row as never);
  }
}

/** An organization with data through the API (meeting, recording, logo, webhook, budget in its Durable Object), a row in every tenant table and an object under every prefix. */
export async function populatedOrg(): Promise<TestOrg> {
  const org = await createOrg("professional");
  const { body: meeting } = await createMeeting(org);
  const rec = await org.api("/api/v1/recordings?filename=a.webm", {
    method: "POST",
    headers: { "content-type": "video/webm" },
    body: media(2048),
  });
  expect(rec.status).toBe(201);
  const form = new FormData();
  form.append("image", new File([PNG], "logo", { type: "image/png" }));
  expect(
    (await org.api(`/api/v1/rooms/${meeting.roomName.slice(1)}/theme/logo`, { method: "PUT", body: form })).status,
  ).toBe(204);
  const upload = await org.api("/api/v1/recordings/uploads", {
    method: "POST",
    json: { filename: "big.webm", contentType: "video/webm" },
  });
  expect(upload.status).toBe(201);
  await rowInEveryTenantTable(org.id);
  for (const prefix of orgR2Prefixes(org.id)) await env.RECORDINGS.put(`${prefix}probe`, "x");
  return org;
}
