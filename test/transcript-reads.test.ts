import { describe, expect, it } from "vitest";
import { signFileToken } from "../src/services/access-links";
import { admin, call, createOrg, env, media, problem, type TestOrg } from "./helpers";
import { aiEnvironment, importSegments, seg, type Transcription } from "./transcription-helpers";

const SECRET = "test-file-token-secret-0123456789abcdef";

async function sample(org: TestOrg) {
  return importSegments(
    org,
    [
      seg("Speaker 1", 0, 4.5, "Shall we start?"),
      seg("Speaker 2", 4, 10, "Yes, um, let's go."),
      seg("Speaker 1", 10, 75, "The plan is simple."),
    ],
    { roomName: "standup", language: "en" },
  );
}

async function inProgress(org: TestOrg) {
  const ai = aiEnvironment("reads-in-progress");
  const upload = await org.api("/api/v1/recordings?filename=a.webm", {
    method: "POST",
    headers: { "content-type": "video/webm" },
    body: media(1000),
  });
  const { recordingId } = (await upload.json()) as { recordingId: string };
  const res = await ai.fetch(org, "/api/v1/transcriptions", { method: "POST", json: { recordingId } });
  return ((await res.json()) as Transcription).transcriptionId;
}

describe("transcript exports", () => {
  it("streams every format with its Content-Type and Content-Disposition, renames applied", async () => {
    const org = await createOrg();
    const t = await sample(org);
    await org.api(`/api/v1/transcriptions/${t.transcriptionId}/speakers`, {
      method: "PUT",
      json: { "Speaker 1": "Alice" },
    });
    const expected: Record<string, string> = {
      json: "application/json; charset=utf-8",
      txt: "text/plain; charset=utf-8",
      md: "text/markdown; charset=utf-8",
      vtt: "text/vtt; charset=utf-8",
      srt: "application/x-subrip; charset=utf-8",
    };
    const bodies: Record<string, string> = {};
    for (const [format, type] of Object.entries(expected)) {
      const res = await org.api(`/api/v1/transcriptions/${t.transcriptionId}/transcript?format=${format}`);
      expect(res.status, format).toBe(200);
      expect(res.headers.get("content-type"), format).toBe(type);
      expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${t.transcriptionId}.${format}"`);
      bodies[format] = new TextDecoder().decode(await res.arrayBuffer()); // .text() warns on non-text types
    }
    expect(JSON.parse(bodies.json as string)).toEqual({
      transcriptionId: t.transcriptionId,
      language: "en",
      durationInSeconds: 75,
      speakers: ["Alice", "Speaker 2"],
      segments: [
        { index: 0, speaker: "Alice", speakerLabel: "Speaker 1", start: 0, end: 4.5, text: "Shall we start?" },
        { index: 1, speaker: "Speaker 2", speakerLabel: "Speaker 2", start: 4, end: 10, text: "Yes, um, let's go." },
        { index: 2, speaker: "Alice", speakerLabel: "Speaker 1", start: 10, end: 75, text: "The plan is simple." },
      ],
    });
    expect(bodies.txt).toContain("[00:00:10] Alice: The plan is simple.");
    expect(bodies.md).toMatch(/^# Transcript of \/standup, \d{4}-\d\d-\d\d\n/);
    expect(bodies.md).toContain("**Alice** [00:00:00]");
    expect(bodies.vtt).toMatch(/^WEBVTT\n/);
    expect(bodies.vtt).toContain("<v Alice>Shall we start?");
    expect(bodies.srt).toMatch(/^1\n00:00:00,000 --> 00:00:04,500\nAlice: Shall we start\?\n/);
    const json = await org.api(`/api/v1/transcriptions/${t.transcriptionId}/transcript`);
    expect(json.headers.get("content-type")).toBe(expected.json);
  });

  it("exports a 20,000-segment transcript whole and in order", async () => {
    const org = await createOrg();
    const segments = Array.from({ length: 20_000 }, (_, i) => seg(`S${i % 2}`, i, i + 1, `line ${i}`));
    const t = await importSegments(org, segments);
    const res = await org.api(`/api/v1/transcriptions/${t.transcriptionId}/transcript?format=txt`);
    const lines = (await res.text()).trimEnd().split("\n");
    expect(lines).toHaveLength(20_000);
    expect(lines[19_999]).toBe("[05:33:19] S1: line 19999");
  }, 30_000);

  it("answers 409 for a transcription not ready and 400 for an unknown format", async () => {
    const org = await createOrg();
    const id = await inProgress(org);
    for (const path of ["transcript", "insights", "access-link"]) {
      const res = await org.api(`/api/v1/transcriptions/${id}/${path}`);
      expect(res.status, path).toBe(409);
      expect((await problem(res)).code).toBe("conflict");
    }
    const t = await sample(org);
    const bad = await org.api(`/api/v1/transcriptions/${t.transcriptionId}/transcript?format=docx`);
    expect(((await problem(bad)).errors as { location: string }[])[0]?.location).toBe("query.format");
  });
});

describe("insights", () => {
  it("computes SPEC §6.3 figures with renames applied, merged labels counting as one speaker", async () => {
    const org = await createOrg();
    const t = await sample(org);
    const before = (await (await org.api(`/api/v1/transcriptions/${t.transcriptionId}/insights`)).json()) as {
      meeting: Record<string, number>;
      speakers: { speaker: string; talkTimeSeconds: number; fillerWordCount: number; monologueCount: number }[];
    };
    expect(before.meeting).toEqual({
      durationSeconds: 75,
      speakerCount: 2,
      questionCount: 1,
      silenceSeconds: 0,
      interruptionCount: 1,
    });
    expect(before.speakers.map((s) => [s.speaker, s.talkTimeSeconds, s.fillerWordCount, s.monologueCount])).toEqual([
      ["Speaker 1", 69.5, 0, 1],
      ["Speaker 2", 6, 1, 0],
    ]);
    await org.api(`/api/v1/transcriptions/${t.transcriptionId}/speakers`, {
      method: "PUT",
      json: { "Speaker 1": "Alice", "Speaker 2": "Alice" },
    });
    const merged = (await (await org.api(`/api/v1/transcriptions/${t.transcriptionId}/insights`)).json()) as {
      transcriptionId: string;
      meeting: { speakerCount: number; interruptionCount: number };
      speakers: { speaker: string; talkTimeSeconds: number }[];
    };
    expect(merged.transcriptionId).toBe(t.transcriptionId);
    expect(merged.meeting).toMatchObject({ speakerCount: 1, interruptionCount: 0 });
    expect(merged.speakers.map((s) => [s.speaker, s.talkTimeSeconds])).toEqual([["Alice", 75.5]]);
  });
});

describe("subtitle imports", () => {
  it("imports WebVTT voice tags and SRT `Name: text` cues", async () => {
    const org = await createOrg();
    const vtt = "WEBVTT\n\n00:00.000 --> 00:02.500\n<v Alice>Hello\n\n00:02.500 --> 00:04.000\nNo speaker here\n";
    const fromVtt = await org.api("/api/v1/transcriptions", { method: "POST", json: { format: "vtt", content: vtt } });
    expect(fromVtt.status).toBe(201);
    expect(await fromVtt.json()).toMatchObject({
      type: "IMPORTED",
      state: "ready",
      speakers: ["Alice", "Speaker 1"],
      durationInSeconds: 4,
    });
    const srt = "1\n00:00:01,000 --> 00:00:03,000\nBob: Hi there\n";
    const fromSrt = (await (
      await org.api("/api/v1/transcriptions", { method: "POST", json: { format: "srt", content: srt, language: "en" } })
    ).json()) as Transcription;
    expect(fromSrt).toMatchObject({ speakers: ["Bob"], segmentCount: 1, durationInSeconds: 3, language: "en" });
  });

  it("refuses a speaker name over 100 characters, as for segments", async () => {
    const org = await createOrg();
    const vtt = `WEBVTT\n\n00:00.000 --> 00:01.000\n<v ${"N".repeat(101)}>Hi\n`;
    const res = await org.api("/api/v1/transcriptions", { method: "POST", json: { format: "vtt", content: vtt } });
    expect(res.status).toBe(400);
    expect((await problem(res)).errors).toEqual([
      { location: "body.content", message: "Cue 1 names a speaker longer than 100 characters" },
    ]);
  });

  it("answers a malformed file with 400 and the line number", async () => {
    const org = await createOrg();
    const res = await org.api("/api/v1/transcriptions", {
      method: "POST",
      json: { format: "srt", content: "1\n00:00:01,000 --> 00:00:03,000\nHi\n\n2\nnot a timing\nx\n" },
    });
    expect(res.status).toBe(400);
    const errors = (await problem(res)).errors as { location: string; message: string }[];
    expect(errors[0]?.location).toBe("body.content");
    expect(errors[0]?.message).toMatch(/line 6/);
  });
});

describe("transcript access links", () => {
  async function linked() {
    const org = await createOrg();
    const t = await sample(org);
    const res = await org.api(`/api/v1/transcriptions/${t.transcriptionId}/access-link?validForSeconds=600`);
    expect(res.status).toBe(200);
    const link = (await res.json()) as { accessLink: string; expires: number };
    return { org, t, link, path: link.accessLink.replace("https://parley.test", "") };
  }

  it("serves the Markdown transcript without an API key, renames as of the download", async () => {
    const { org, t, link, path } = await linked();
    expect(link.accessLink).toMatch(
      new RegExp(`^https://parley\\.test/files/transcripts/${t.transcriptionId}\\?token=`),
    );
    expect(link.expires).toBeGreaterThan(Date.now() + 590_000);
    await org.api(`/api/v1/transcriptions/${t.transcriptionId}/speakers`, {
      method: "PUT",
      json: { "Speaker 2": "Bo" },
    });
    const res = await call(path);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/markdown; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${t.transcriptionId}.md"`);
    const text = await res.text();
    expect(text).toMatch(/^# Transcript of \/standup/);
    expect(text).toContain("**Bo** [00:00:04]");
  });

  it("refuses recording tokens, other transcripts' tokens, tampered and expired ones, and suspended organizations", async () => {
    const { org, t, path } = await linked();
    const token = new URL(`https://x${path}`).searchParams.get("token") as string;
    const other = await sample(org);
    const recordingToken = await signFileToken(SECRET, t.transcriptionId, Date.now() + 60_000);
    const expired = await signFileToken(SECRET, t.transcriptionId, Date.now() - 1, "transcript");
    for (const [name, p] of [
      ["recording-kind token", `/files/transcripts/${t.transcriptionId}?token=${recordingToken}`],
      ["other transcript", `/files/transcripts/${other.transcriptionId}?token=${token}`],
      ["tampered", `/files/transcripts/${t.transcriptionId}?token=${token.slice(0, -2)}AA`],
      ["expired", `/files/transcripts/${t.transcriptionId}?token=${expired}`],
      ["transcript token on the recording route", `/files/recordings/${t.transcriptionId}?token=${token}`],
    ]) {
      const res = await call(p as string);
      expect(res.status, name).toBe(403);
      expect((await problem(res)).code).toBe("forbidden");
    }
    for (const bad of ["0", "43201", "ten"]) {
      const res = await org.api(`/api/v1/transcriptions/${t.transcriptionId}/access-link?validForSeconds=${bad}`);
      expect(((await problem(res)).errors as { location: string }[])[0]?.location, bad).toBe("query.validForSeconds");
    }
    await admin(`/admin/v1/organizations/${org.id}`, { method: "PATCH", json: { status: "suspended" } });
    expect((await call(path)).status).toBe(403);
    await admin(`/admin/v1/organizations/${org.id}`, { method: "PATCH", json: { status: "active" } });
    expect((await call(path)).status).toBe(200);
    await org.api(`/api/v1/transcriptions/${t.transcriptionId}`, { method: "DELETE" });
    expect((await call(path)).status).toBe(404);
    expect(env.FILE_TOKEN_SECRET).toBe(SECRET);
  });
});
