import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { openWithCredential, sealWithCredential, sha256Hex } from "../lib/crypto";
import { ApiError } from "../lib/errors";
import { isJsonContentType, isReplayableStatus } from "../lib/http";
import { HashedSubject, type HashedSubjectSpec } from "../services/erasure/hashed-subject";
import { bearerToken } from "./admin-auth";

const MAX_KEY_LENGTH = 255;
const REPLAYED_HEADERS = ["content-type", "location", "cache-control"];
/** Statuses whose responses must not carry a body, even an empty one. */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/** JSON with its object keys sorted, so the same parameters in another layout are the same request. */
function canonicalJson(text: string): string {
  const sortKeys = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(sortKeys)
      : value && typeof value === "object"
        ? Object.fromEntries(
            Object.entries(value)
              .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
              .map(([k, v]) => [k, sortKeys(v)]),
          )
        : value;
  try {
    return JSON.stringify(sortKeys(JSON.parse(text)));
  } catch {
    return text; // malformed: the route answers 400, and the raw text is still a fingerprint
  }
}

async function fingerprint(c: Context<AppEnv>): Promise<string> {
  const url = new URL(c.req.url);
  url.searchParams.sort();
  const type = c.req.header("content-type") ?? "";
  // JSON bodies are small and capped, so their parameters are part of the fingerprint; raw uploads
  // are streamed and never buffered, so they are identified by their declared type and length.
  const body = isJsonContentType(type)
    ? canonicalJson(await c.req.text())
    : `length:${c.req.header("content-length") ?? "?"}`;
  return sha256Hex(`${c.req.method} ${url.pathname}?${url.searchParams}\n${type}\n${body}`);
}

/**
 * A stored response with the subjects of erasures finished since its request started taken out, as the erasure
 * took them out of the rows (SPEC §9: no API response holds an erased subject): the replay shows the object as
 * it now is, and the request is still not run twice.
 */
async function withoutErased(body: string, erasures: HashedSubjectSpec[]): Promise<string> {
  if (erasures.length === 0) return body;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    let text = body;
    for (const spec of erasures) text = await new HashedSubject(spec).redact(text);
    return text;
  }
  for (const spec of erasures) json = await new HashedSubject(spec).redactJson(json);
  return JSON.stringify(json);
}

/** Whose records these are: kept in `space`'s Durable Object, replayed only to `caller`. */
export interface IdempotencyCaller {
  /** The organization (or the operator's own space). */
  space: string;
  /** The API key's id, or the operator: the same Idempotency-Key from another caller is another record. */
  caller: string;
}

/**
 * `Idempotency-Key` for every POST (SPEC §1): the first response is kept for 24 h in the space's
 * Durable Object and replayed for the same caller and request; a different request with the key
 * is 422, a second one while the first still runs is 409. Runs after authorization (a replay must
 * never skip a check), and stores bodies sealed with the caller's credential, which Parley never
 * stores, so the keys and secrets some responses carry are not kept in clear.
 */
export function idempotency(callerOf: (c: Context<AppEnv>) => IdempotencyCaller) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const key = c.req.header("idempotency-key");
    if (c.req.method !== "POST" || key === undefined) return next();
    if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
      throw new ApiError("validation_error", "Idempotency-Key must be 1–255 characters.", {
        errors: [{ location: "header.idempotency-key", message: "Must be 1–255 characters" }],
      });
    }
    const credential = bearerToken(c.req.header("authorization"));
    if (!credential) throw new Error("idempotency runs only after authentication");
    const { space, caller } = callerOf(c);
    // A header value cannot hold a newline, so caller and key never blur into another pair.
    const record = `${caller}\n${key}`;
    const gate = c.var.deps.gateOf(space);
    const print = await fingerprint(c);
    const sealContext = `parley/idempotency/v1\n${record}\n${print}`;
    const begun = await gate.idempotencyBegin(record, print);
    if (begun.state === "mismatch") {
      throw new ApiError(
        "idempotency_key_reused",
        "This Idempotency-Key was used with a different request; use a new key for a new request.",
      );
    }
    if (begun.state === "in_flight") {
      throw new ApiError("conflict", "A request with this Idempotency-Key is still being processed; retry shortly.");
    }
    if (begun.state === "replay") {
      const body = await openWithCredential(credential, sealContext, begun.response.body);
      if (body === null) {
        // Only when the credential changed under the same caller (a rotated ADMIN_TOKEN).
        throw new ApiError(
          "idempotency_key_reused",
          "This Idempotency-Key was used with other credentials; use a new key for a new request.",
        );
      }
      const headers = new Headers(begun.response.headers);
      headers.set("Idempotent-Replayed", "true");
      const { status } = begun.response;
      const replayed = await withoutErased(body, begun.erasures);
      // Stored redacted from now on: the subject no longer rests in the sealed body either.
      if (replayed !== body) {
        await gate.idempotencyRewrite(record, print, await sealWithCredential(credential, sealContext, replayed));
      }
      c.res = new Response(NULL_BODY_STATUSES.has(status) ? null : replayed, { status, headers });
      return;
    }
    let completed = false;
    try {
      await next();
      if (isReplayableStatus(c.res.status)) {
        const headers = REPLAYED_HEADERS.flatMap((name): [string, string][] => {
          const value = c.res.headers.get(name);
          return value === null ? [] : [[name, value]];
        });
        await gate.idempotencyComplete(record, print, {
          status: c.res.status,
          headers,
          body: await sealWithCredential(credential, sealContext, await c.res.clone().text()),
        });
        completed = true;
      }
    } finally {
      if (!completed) await gate.idempotencyRelease(record, print);
    }
  });
}
