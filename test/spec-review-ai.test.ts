import { describe, expect, it } from "vitest";
import { purgeExpiredRecords } from "../src/cron/retention";
import { createOrg, env, problem, type TestOrg } from "./helpers";
import { importSegments, seg } from "./transcription-helpers";

const DAY_MS = 24 * 60 * 60 * 1000;

const conversation = (n: number) =>
  Array.from({ length: n }, (_, i) => seg(i % 2 ? "Bob" : "Alice", i * 5, i * 5 + 4, `Line ${i}: we decided it.`));

async function summarise(org: TestOrg, transcriptionId: string) {
  const res = await org.api("/api/v1/summaries", { method: "POST", json: { transcriptionId } });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { summaryId: string }).summaryId;
}

const remove = (org: TestOrg, path: string) => org.api(path, { method: "DELETE" });

describe("DELETE is idempotent for this organization's objects and 404 for anyone else's (SPEC §1, §6.2, §6.4)", () => {
  it("transcriptions: 204 while it exists and again once deleted; 404 unknown or another organization's", async () => {
    const org = await createOrg();
    const other = await createOrg();
    const { transcriptionId } = await importSegments(org, [seg("A", 0, 1, "x")]);
    const path = `/api/v1/transcriptions/${transcriptionId}`;

    const foreign = await remove(other, path);
    expect(foreign.status).toBe(404);
    expect((await problem(foreign)).code).toBe("not_found");
    expect((await remove(org, "/api/v1/transcriptions/trn_neverExisted000000000")).status).toBe(404);

    expect((await remove(org, path)).status).toBe(204);
    expect((await remove(org, path)).status).toBe(204);
    expect((await org.api(path)).status).toBe(404);
    // The tombstone is this organization's: the other still gets 404 after the deletion.
    expect((await remove(other, path)).status).toBe(404);
  });

  it("transcriptions deleted in bulk answer a later DELETE with 204", async () => {
    const org = await createOrg();
    const { transcriptionId } = await importSegments(org, [seg("A", 0, 1, "x")]);
    const path = `/api/v1/transcriptions/${transcriptionId}`;
    const bulk = await org.api("/api/v1/transcriptions/bulk-delete", {
      method: "POST",
      json: { transcriptionIds: [transcriptionId] },
    });
    expect(bulk.status).toBe(204);
    await expect.poll(async () => (await org.api(path)).status, { timeout: 10_000 }).toBe(404);
    expect((await remove(org, path)).status).toBe(204);
  });

  it("summaries: 204 twice, also after its transcription took it; 404 unknown, another org's, or a transcription's id", async () => {
    const org = await createOrg("professional");
    const other = await createOrg("professional");
    const first = await importSegments(org, conversation(4));
    const summaryId = await summarise(org, first.transcriptionId);
    const path = `/api/v1/summaries/${summaryId}`;

    expect((await remove(other, path)).status).toBe(404);
    expect((await remove(org, "/api/v1/summaries/sum_neverExisted000000000")).status).toBe(404);
    expect((await remove(org, path)).status).toBe(204);
    expect((await remove(org, path)).status).toBe(204);
    expect((await remove(other, path)).status).toBe(404);

    const second = await importSegments(org, conversation(4));
    const taken = await summarise(org, second.transcriptionId);
    expect((await remove(org, `/api/v1/transcriptions/${second.transcriptionId}`)).status).toBe(204);
    expect((await org.api(`/api/v1/summaries/${taken}`)).status).toBe(404);
    expect((await remove(org, `/api/v1/summaries/${taken}`)).status).toBe(204);
    // A tombstone answers for its own kind only.
    expect((await remove(org, `/api/v1/summaries/${second.transcriptionId}`)).status).toBe(404);
  });

  it("forgets tombstones after 30 days, in the retention cron's bounded purge", async () => {
    const org = await createOrg();
    const { transcriptionId } = await importSegments(org, [seg("A", 0, 1, "x")]);
    const path = `/api/v1/transcriptions/${transcriptionId}`;
    expect((await remove(org, path)).status).toBe(204);

    await purgeExpiredRecords(env, Date.now() + 29 * DAY_MS);
    expect((await remove(org, path)).status).toBe(204);
    await purgeExpiredRecords(env, Date.now() + 31 * DAY_MS);
    expect((await remove(org, path)).status).toBe(404);
  });
});

describe("AI generations as a client calls them (SPEC §6.5)", () => {
  it("feedback needs ≥ 10 segments on GET as on POST: 400, not 404", async () => {
    const org = await createOrg("professional");
    const { transcriptionId } = await importSegments(org, conversation(9));
    const path = `/api/v1/transcriptions/${transcriptionId}/feedback`;
    for (const res of [await org.api(path), await org.api(path, { method: "POST", json: {} })]) {
      expect(res.status).toBe(400);
      expect((await problem(res)).code).toBe("validation_error");
    }
  });

  it("a query is a new result (201) like every POST that generates: cached false, generatedAt and model", async () => {
    const org = await createOrg("professional");
    const { transcriptionId } = await importSegments(org, conversation(10));
    const res = await org.api(`/api/v1/transcriptions/${transcriptionId}/query`, {
      method: "POST",
      json: { query: "What did we decide?" },
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ query: "What did we decide?", cached: false, model: "parley-extractive" });
    expect(body.generatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Object.keys(body).sort()).toEqual(
      ["query", "response", "citations", "suggestedQueries", "cached", "generatedAt", "model"].sort(),
    );
  });
});
