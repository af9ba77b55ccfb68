#!/usr/bin/env node
// A fake OpenAI-compatible server for local development, the test suite and the bench (no dependencies).
//
//   npm run ai:fake                 # listens on 127.0.0.1:8789 (PORT=… overrides) and prints the .dev.vars lines
//
// API (any key is accepted, but a key must be sent):
//   POST /v1/audio/transcriptions   multipart; response_format json | text | verbose_json | diarized_json.
//                                   A WAV gets one segment per 5 s of its duration (from its header), speakers
//                                   alternating A, B (diarized) and text naming the segment's time; other audio
//                                   a fixed two-segment transcript.
//   POST /v1/chat/completions       with response_format json_schema: an object generated from the schema,
//   POST /v1/responses              deterministic, its strings taken from the prompt.
//
// Scoping: every route also exists under /t/<tag>/…, with its own programmed behaviours and recorded requests,
// so test files running in parallel cannot take each other's failures. Plain /v1/… is the tag "default".
//
// Control (per tag; <base> is http://127.0.0.1:<port>/t/<tag>, or the bare origin for "default"):
//   POST   <base>/__fake/program   {"route":"chat","status":503,"times":3}           queue behaviours; each
//          {"route":"transcriptions"|"chat"|"responses"|"any", "times":1,              request takes the first
//           "status":200, "delayMs":0, "retryAfter":null,                              one whose route (and
//           "fault":"malformed_json"|"malformed_content"|"wrong_shape"|null,           `match`, a substring of
//           "body":<JSON to answer verbatim>, "match":"text in file name or messages"} the file name or the
//                                                                                      messages) fits
//   GET    <base>/__fake/requests[?route=chat][&match=…]   → [{ route, model, responseFormat, language, chunkingStrategy,
//          timestampGranularities, file: { name, size, type }, messages, retryCount, answeredStatus, receivedAt }]
//   DELETE <base>/__fake                        forget the tag's behaviours and requests
import { createServer } from "node:http";
import { pathToFileURL } from "node:url";

const SEGMENT_SECONDS = 5;
const MAX_RECORDED_PER_TAG = 1000;
const ROUTES = {
  "/v1/audio/transcriptions": "transcriptions",
  "/v1/chat/completions": "chat",
  "/v1/responses": "responses",
};
/** What a programmed failure answers unless it says otherwise; tests check it never reaches Parley's messages. */
export const FAKE_ERROR_MARKER = "fake-openai-raw-error-body";

/** Starts the fake on 127.0.0.1; resolves once it listens. `url` is the default tag's base URL (ends in /v1). */
export function startFakeOpenAi({ port = 0 } = {}) {
  const tags = new Map();
  const tagState = (tag) => {
    if (!tags.has(tag)) tags.set(tag, { programs: [], requests: [] });
    return tags.get(tag);
  };

  const server = createServer((req, res) => {
    handle(req, res, tagState, tags).catch((error) => {
      if (!res.headersSent)
        json(res, 500, { error: { message: `fake-openai: ${error.message}`, type: "server_error" } });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => {
    server.listen(port, "127.0.0.1", () => {
      const origin = `http://127.0.0.1:${server.address().port}`;
      resolve({
        url: `${origin}/v1`,
        origin,
        tagUrl: (tag) => `${origin}/t/${tag}/v1`,
        close: () => new Promise((done) => server.close(done)),
        server,
      });
    });
  });
}

async function handle(req, res, tagState, tags) {
  const url = new URL(req.url ?? "/", "http://fake-openai");
  const scoped = url.pathname.match(/^\/t\/([A-Za-z0-9._-]{1,100})(\/.*)$/);
  const tag = scoped ? scoped[1] : "default";
  const path = scoped ? scoped[2] : url.pathname;
  const state = tagState(tag);

  if (path === "/__fake/program" && req.method === "POST") {
    const program = JSON.parse((await readText(req)) || "{}");
    state.programs.push({ route: "any", times: 1, ...program });
    return json(res, 200, { queued: state.programs.length });
  }
  if (path === "/__fake/requests" && req.method === "GET") {
    const route = url.searchParams.get("route");
    const match = url.searchParams.get("match");
    const found = state.requests.filter(
      (r) => (!route || r.route === route) && (!match || r.matchText.includes(match)),
    );
    return json(
      res,
      200,
      found.map(({ matchText, ...request }) => request),
    );
  }
  if (path === "/__fake" && req.method === "DELETE") {
    tags.delete(tag);
    return json(res, 200, {});
  }
  const route = ROUTES[path];
  if (!route)
    return json(res, 404, {
      error: { message: `fake-openai has no ${req.method} ${path}`, type: "invalid_request_error" },
    });
  if (req.method !== "POST") return json(res, 405, { error: { message: "use POST", type: "invalid_request_error" } });
  if (!req.headers.authorization) {
    return json(res, 401, { error: { message: "You didn't provide an API key.", type: "invalid_request_error" } });
  }

  const parsed = route === "transcriptions" ? await readTranscriptionRequest(req) : await readJsonRequest(req);
  const record = {
    route,
    ...parsed.record,
    matchText: parsed.matchText,
    retryCount: Number(req.headers["x-stainless-retry-count"] ?? 0),
    receivedAt: Date.now(),
    answeredStatus: 200,
  };
  state.requests.push(record);
  if (state.requests.length > MAX_RECORDED_PER_TAG) state.requests.shift();

  const program = takeProgram(state, route, parsed.matchText);
  if (program?.delayMs) await new Promise((resolve) => setTimeout(resolve, program.delayMs));
  if (res.destroyed || req.socket.destroyed) return; // the client gave up (its timeout) while we waited
  const status = program?.status ?? 200;
  record.answeredStatus = status;
  const headers = program?.retryAfter != null ? { "retry-after": String(program.retryAfter) } : {};

  if (program?.body !== undefined) return json(res, status, program.body, headers);
  if (program?.fault === "malformed_json") {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    return res.end(`{"id": "broken", "choices": [ ${FAKE_ERROR_MARKER}`);
  }
  if (status >= 400) {
    const message = `${FAKE_ERROR_MARKER}: programmed ${status} (internal detail: stack at fake.js:1)`;
    return json(
      res,
      status,
      { error: { message, type: status >= 500 ? "server_error" : "invalid_request_error" } },
      headers,
    );
  }
  if (route === "transcriptions") return answerTranscription(res, parsed, program?.fault, headers);
  return answerGeneration(res, route, parsed, program?.fault, headers);
}

function takeProgram(state, route, matchText) {
  const index = state.programs.findIndex(
    (p) => (p.route === "any" || p.route === route) && (p.match == null || matchText.includes(p.match)),
  );
  if (index < 0) return null;
  const program = state.programs[index];
  program.times -= 1;
  if (program.times <= 0) state.programs.splice(index, 1);
  return program;
}

// ---- requests ------------------------------------------------------------------------------------------

function readText(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

async function readTranscriptionRequest(req) {
  const form = await new Request("http://fake-openai/", {
    method: "POST",
    headers: { "content-type": req.headers["content-type"] ?? "" },
    body: req,
    duplex: "half",
  }).formData();
  const file = form.get("file");
  const field = (name) => (typeof form.get(name) === "string" ? form.get(name) : null);
  const granularities = [...form.getAll("timestamp_granularities[]"), ...form.getAll("timestamp_granularities")];
  const record = {
    model: field("model"),
    responseFormat: field("response_format") ?? "json",
    language: field("language"),
    chunkingStrategy: field("chunking_strategy"),
    timestampGranularities: granularities.filter((g) => typeof g === "string"),
    file: file instanceof Blob ? { name: file.name ?? null, size: file.size, type: file.type } : null,
  };
  return { record, file: file instanceof Blob ? file : null, matchText: record.file?.name ?? "" };
}

async function readJsonRequest(req) {
  const body = JSON.parse((await readText(req)) || "{}");
  const messages = Array.isArray(body.messages)
    ? body.messages.map((m) => ({ role: m.role, content: contentText(m.content) }))
    : inputMessages(body.input, body.instructions);
  const format = body.response_format ?? body.text?.format ?? null;
  const schema = format?.json_schema?.schema ?? format?.schema ?? null;
  const record = {
    model: body.model ?? null,
    responseFormat: format?.type ?? null,
    schemaName: format?.json_schema?.name ?? format?.name ?? null,
    messages,
  };
  return { record, body, schema, matchText: messages.map((m) => m.content).join("\n") };
}

function contentText(content) {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((part) => part.text ?? "").join("");
  return "";
}

function inputMessages(input, instructions) {
  const messages = instructions ? [{ role: "system", content: instructions }] : [];
  if (typeof input === "string") return [...messages, { role: "user", content: input }];
  if (Array.isArray(input))
    return [...messages, ...input.map((m) => ({ role: m.role, content: contentText(m.content) }))];
  return messages;
}

// ---- transcriptions ------------------------------------------------------------------------------------

async function answerTranscription(res, { record, file }, fault, headers) {
  if (!file) return json(res, 400, { error: { message: "file is required", type: "invalid_request_error" } });
  if (fault === "wrong_shape") return json(res, 200, { segments: "not a list", duration: "long" }, headers);
  const { duration, segments } = await transcribe(file);
  const text = segments.map((s) => s.text).join(" ");
  const language = LANGUAGE_NAMES[record.language ?? "en"] ?? "english";
  switch (record.responseFormat) {
    case "text":
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8", ...headers });
      return res.end(text);
    case "verbose_json":
      return json(
        res,
        200,
        {
          task: "transcribe",
          language,
          duration,
          text,
          segments: segments.map((s, id) => ({
            id,
            seek: Math.round(s.start * 100),
            start: s.start,
            end: s.end,
            text: ` ${s.text}`,
            tokens: [],
            temperature: 0,
            avg_logprob: -0.2,
            compression_ratio: 1.2,
            no_speech_prob: 0.01,
          })),
          usage: { type: "duration", seconds: Math.ceil(duration) },
        },
        headers,
      );
    case "diarized_json":
      return json(
        res,
        200,
        {
          task: "transcribe",
          duration,
          text,
          segments: segments.map((s, i) => ({
            type: "transcript.text.segment",
            id: `seg_${i}`,
            start: s.start,
            end: s.end,
            text: s.text,
            speaker: s.speaker,
          })),
          usage: { type: "duration", seconds: Math.ceil(duration) },
        },
        headers,
      );
    default:
      return json(res, 200, { text, usage: { type: "duration", seconds: Math.ceil(duration) } }, headers);
  }
}

const LANGUAGE_NAMES = {
  en: "english",
  de: "german",
  fr: "french",
  es: "spanish",
  it: "italian",
  nl: "dutch",
  pt: "portuguese",
};

/** The transcript of one file: derived from a WAV's header and sample bytes, or fixed for anything else. */
async function transcribe(file) {
  const wav = await wavLayout(file);
  if (!wav) {
    return {
      duration: 6,
      segments: [
        { speaker: "A", start: 0, end: 3, text: "Hello from the fake transcriber." },
        { speaker: "B", start: 3, end: 6, text: "This audio was not a WAV file." },
      ],
    };
  }
  const duration = round3(wav.dataBytes / wav.byteRate);
  const segments = [];
  for (let start = 0, i = 0; start < duration; start += SEGMENT_SECONDS, i += 1) {
    const end = Math.min(duration, start + SEGMENT_SECONDS);
    const from = wav.dataOffset + Math.floor(start * wav.byteRate);
    const sample = new Uint8Array(await file.slice(from, from + 256).arrayBuffer());
    const speaker = i % 2 === 0 ? "A" : "B";
    segments.push({ speaker, start, end, text: `Part ${i + 1} at ${clock(start)}, audio ${fingerprint(sample)}.` });
  }
  return { duration, segments };
}

/** RIFF/WAVE chunk walk: where the samples are and how many bytes a second takes; null if not a WAV. */
async function wavLayout(file) {
  const head = new DataView(await file.slice(0, 12).arrayBuffer());
  if (head.byteLength < 12 || tag4(head, 0) !== "RIFF" || tag4(head, 8) !== "WAVE") return null;
  let offset = 12;
  let byteRate = null;
  while (offset + 8 <= file.size) {
    const chunk = new DataView(await file.slice(offset, offset + 24).arrayBuffer());
    const id = tag4(chunk, 0);
    const size = chunk.getUint32(4, true);
    if (id === "fmt " && chunk.byteLength >= 20) byteRate = chunk.getUint32(16, true);
    if (id === "data") {
      if (!byteRate) return null;
      const available = file.size - (offset + 8);
      return { dataOffset: offset + 8, dataBytes: Math.min(size, available), byteRate };
    }
    offset += 8 + size + (size % 2);
  }
  return null;
}

const tag4 = (view, at) => String.fromCharCode(...new Uint8Array(view.buffer, view.byteOffset + at, 4));
const round3 = (n) => Math.round(n * 1000) / 1000;
const clock = (seconds) => new Date(Math.floor(seconds) * 1000).toISOString().slice(11, 19);
const fingerprint = (bytes) =>
  hash(String.fromCharCode(...bytes))
    .toString(16)
    .padStart(8, "0")
    .slice(0, 6);

// ---- generations ---------------------------------------------------------------------------------------

function answerGeneration(res, route, { record, schema }, fault, headers) {
  // Strings come from what the caller sent (the transcript), not the fixed instructions, so they differ per input.
  const asked = record.messages.filter((m) => m.role !== "system" && m.role !== "developer");
  const prompt = (asked.length > 0 ? asked : record.messages).map((m) => m.content).join("\n");
  let content;
  if (fault === "malformed_content") content = '{"summary": "cut off in the mid';
  else if (fault === "wrong_shape") content = JSON.stringify({ unexpected: true, items: "not what was asked" });
  else if (schema) content = JSON.stringify(fromSchema(schema, schema, prompt, "$"));
  else content = `Fake answer: ${words(prompt, "$", 12)}`;
  const created = Math.floor(Date.now() / 1000);
  const usage = { prompt_tokens: Math.ceil(prompt.length / 4), completion_tokens: Math.ceil(content.length / 4) };
  usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
  if (route === "responses") {
    return json(
      res,
      200,
      {
        id: `resp_fake_${hash(prompt).toString(16)}`,
        object: "response",
        created_at: created,
        status: "completed",
        model: record.model,
        output: [
          {
            type: "message",
            id: "msg_fake",
            status: "completed",
            role: "assistant",
            content: [{ type: "output_text", text: content, annotations: [] }],
          },
        ],
        usage: {
          input_tokens: usage.prompt_tokens,
          output_tokens: usage.completion_tokens,
          total_tokens: usage.total_tokens,
        },
      },
      headers,
    );
  }
  return json(
    res,
    200,
    {
      id: `chatcmpl-fake-${hash(prompt).toString(16)}`,
      object: "chat.completion",
      created,
      model: record.model,
      choices: [
        { index: 0, message: { role: "assistant", content, refusal: null }, finish_reason: "stop", logprobs: null },
      ],
      usage,
    },
    headers,
  );
}

/** A value valid for `schema`, the same for the same prompt; strings are words of the prompt. */
function fromSchema(schema, root, prompt, path) {
  if (schema.$ref) return fromSchema(resolveRef(root, schema.$ref), root, prompt, path);
  if ("const" in schema) return schema.const;
  if (schema.enum) return schema.enum[hash(`${path}|${prompt}`) % schema.enum.length];
  const options = schema.anyOf ?? schema.oneOf;
  if (options) return fromSchema(options.find((o) => o.type !== "null") ?? options[0], root, prompt, path);
  const type = Array.isArray(schema.type) ? (schema.type.find((t) => t !== "null") ?? "null") : schema.type;
  const seed = hash(`${path}|${prompt}`);
  switch (type) {
    case "object":
      return Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([key, sub]) => [
          key,
          fromSchema(sub, root, prompt, `${path}.${key}`),
        ]),
      );
    case "array": {
      const min = schema.minItems ?? 1;
      const max = Math.max(min, Math.min(schema.maxItems ?? 2, 2));
      const count = min + (seed % (max - min + 1));
      return Array.from({ length: count }, (_, i) => fromSchema(schema.items ?? {}, root, prompt, `${path}[${i}]`));
    }
    case "integer":
    case "number":
      return number(schema, type, seed, prompt, path);
    case "boolean":
      return seed % 2 === 0;
    case "null":
      return null;
    default:
      return words(prompt, path, 8);
  }
}

/** Integers named like an index point at a transcript line `[n] …` of the prompt, so citations are real. */
function number(schema, type, seed, prompt, path) {
  if (type === "integer" && /index/i.test(path)) {
    const indexes = [...prompt.matchAll(/^\[(\d+)\]/gm)].map((m) => Number(m[1]));
    if (indexes.length > 0) return indexes[seed % indexes.length];
  }
  const min = schema.minimum ?? (schema.exclusiveMinimum != null ? schema.exclusiveMinimum + 1 : null);
  const max = schema.maximum ?? (schema.exclusiveMaximum != null ? schema.exclusiveMaximum - 1 : null);
  const low = min ?? (max != null ? Math.min(0, max) : 0);
  const high = max ?? low + 1;
  const value = low + ((seed % 1000) / 1000) * (high - low);
  return type === "integer" ? Math.min(high, Math.max(low, Math.round(value))) : Math.round(value * 100) / 100;
}

function resolveRef(root, ref) {
  if (!ref.startsWith("#")) throw new Error(`unsupported $ref ${ref}`);
  return ref
    .slice(1)
    .split("/")
    .filter(Boolean)
    .reduce((node, key) => node?.[key.replaceAll("~1", "/").replaceAll("~0", "~")], root);
}

/** `count` words of the prompt, from a place that depends on the field. */
function words(prompt, path, count) {
  const all = prompt.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w) && !w.startsWith("["));
  if (all.length === 0) return `Fake ${path}`;
  const start = hash(`${path}|${prompt}`) % all.length;
  return Array.from({ length: Math.min(count, all.length) }, (_, i) => all[(start + i) % all.length]).join(" ");
}

/** FNV-1a, 32 bits. */
function hash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function json(res, status, value, headers = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(value));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const fake = await startFakeOpenAi({ port: Number(process.env.PORT ?? 8789) });
  console.log(`Fake OpenAI listening at ${fake.url} (Ctrl+C to stop). Put this in .dev.vars and restart npm run dev:

OPENAI_BASE_URL=${fake.url}
OPENAI_API_KEY=anything
# speaker labels A, B, … (diarized_json); whisper-1 and others get verbose_json with one speaker
OPENAI_TRANSCRIPTION_MODEL=gpt-4o-transcribe-diarize
`);
}
