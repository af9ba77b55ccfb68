import { createRoute, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import { recordings } from "../../db/schema";
import type { GateConfig } from "../../durable-objects/org-gate";
import { type AppEnv, fileTokenSecret } from "../../env";
import { ApiError } from "../../lib/errors";
import { errorResponses, ProblemSchema, validationHook } from "../../lib/openapi";
import { verifyFileToken } from "../../services/access-links";

export const recordingFileRoute = createRoute({
  method: "get",
  path: "/files/recordings/{recordingId}",
  tags: ["Recordings"],
  summary: "Download a recording through an access link",
  description:
    "No API key: the signed `token` from `access-link` opens exactly this recording until it expires. Supports `HEAD`, `If-None-Match` (304) and a single `Range` (206 with `Content-Range`; 416 when unsatisfiable). A tampered, expired or other-recording token → 403; so is any link while the recording's organization is suspended or cancelled (links work again if it is reactivated).",
  security: [],
  request: {
    params: z.object({
      recordingId: z
        .string()
        .min(1)
        .max(64)
        .openapi({ param: { name: "recordingId", in: "path" } }),
    }),
    query: z.strictObject({ token: z.string().min(1).max(1024) }),
  },
  responses: {
    200: {
      description: "The whole file.",
      content: { "application/octet-stream": { schema: z.any().openapi({ type: "string", format: "binary" }) } },
    },
    206: {
      description: "The requested range.",
      content: { "application/octet-stream": { schema: z.any().openapi({ type: "string", format: "binary" }) } },
    },
    304: { description: "`If-None-Match` matched the file's `ETag`: the client's copy is current." },
    ...errorResponses(400, 403, 404, 500),
    416: {
      description:
        "The range starts past the end of the file: a problem with code `validation_error` (the closed code set has no range code) and `Content-Range: bytes */<size>`.",
      content: { "application/problem+json": { schema: ProblemSchema } },
    },
  },
});

/** A link opened without its `token` (cut off when copied, or typed by hand) says where links come from. */
export const recordingFileHook: typeof validationHook = (result, c) => {
  if (!result.success && result.target === "query" && !c.req.query("token")) {
    const linkRoute = `/api/v1/recordings/${encodeURIComponent(c.req.param("recordingId") ?? "{recordingId}")}/access-link`;
    const message = `Missing: get a link with its token from GET ${linkRoute}`;
    throw new ApiError(
      "validation_error",
      `This download link needs its \`token\` query parameter (…?token=…). Ask for a new link, token included, with GET ${linkRoute} (an API key with scope \`read\`).`,
      { errors: [{ location: "query.token", message }] },
    );
  }
  return validationHook(result, c);
};

/** A single `bytes=` range resolved against the size; `undefined` = no (usable) range, `null` = unsatisfiable. */
function parseRange(header: string | undefined, size: number): { offset: number; length: number } | null | undefined {
  if (!header) return undefined;
  const match = header.match(/^bytes=(\d*)-(\d*)$/);
  if (!match) return undefined; // several ranges or another unit: RFC 9110 lets us send the whole file
  const [, first, last] = match;
  if (first === "" && last === "") return undefined;
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0) return null;
    const length = Math.min(suffix, size);
    return { offset: size - length, length };
  }
  const offset = Number(first);
  if (last !== "" && Number(last) < offset) return undefined; // invalid range-spec: ignored (RFC 9110 §14.1.1)
  if (offset >= size) return null;
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  return { offset, length: end - offset + 1 };
}

function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

const LINK_REFUSALS: Partial<Record<GateConfig["status"], string>> = {
  suspended: "This organization's access is suspended; its links work again once it is reactivated.",
  cancelled: "This organization's access has ended: the organization is cancelled.",
};

export async function serveRecordingFile(c: Context<AppEnv>, recordingId: string, token: string): Promise<Response> {
  if (!(await verifyFileToken(fileTokenSecret(c.env), token, recordingId))) {
    throw new ApiError("forbidden", "This link is invalid or has expired; ask for a new access link.");
  }
  const row = (
    await c.var.deps.db
      .select({
        orgId: recordings.orgId,
        r2Key: recordings.r2Key,
        filename: recordings.filename,
        contentType: recordings.contentType,
      })
      .from(recordings)
      .where(and(eq(recordings.id, recordingId), eq(recordings.status, "ready")))
      .limit(1)
  )[0];
  // The organization's gate is asked on every request rather than cached per isolate: a suspension then
  // closes every link at once, and the call runs alongside the R2 lookup, so it costs a hop to an object
  // that is usually warm but no extra wait. A short per-isolate cache would spare that hop (players send
  // many Range requests) at the price of links that keep working for its TTL after a suspension.
  const [head, orgStatus] = row
    ? await Promise.all([c.var.deps.bucket.head(row.r2Key), c.var.deps.gateOf(row.orgId).organizationStatus(row.orgId)])
    : [null, null];
  if (!row || !head || !orgStatus) throw new ApiError("not_found", "This recording no longer exists.");
  const refusal = LINK_REFUSALS[orgStatus];
  if (refusal) throw new ApiError("forbidden", refusal);

  const headers = new Headers({
    "Accept-Ranges": "bytes",
    "Content-Type": row.contentType,
    ETag: head.httpEtag,
    "Content-Disposition": contentDisposition(row.filename),
    "Cache-Control": "private, no-store",
  });
  // A client that already holds this version gets 304 (the object never changes under its key).
  if (
    c.req
      .header("if-none-match")
      ?.split(",")
      .some((tag) => tag.trim() === head.httpEtag || tag.trim() === "*")
  ) {
    headers.delete("Content-Disposition");
    return new Response(null, { status: 304, headers });
  }
  const range = parseRange(c.req.header("range"), head.size);
  if (range === null) {
    throw new ApiError("validation_error", `The requested range is outside the file's ${head.size} bytes.`, {
      headers: { "Content-Range": `bytes */${head.size}` },
      status: 416,
    });
  }
  const status = range ? 206 : 200;
  const length = range ? range.length : head.size;
  headers.set("Content-Length", String(length));
  if (range) headers.set("Content-Range", `bytes ${range.offset}-${range.offset + range.length - 1}/${head.size}`);
  if (c.req.method === "HEAD") return new Response(null, { status, headers });
  const object = await c.var.deps.bucket.get(row.r2Key, range ? { range } : {});
  if (!object) throw new ApiError("not_found", "This recording no longer exists.");
  return new Response(object.body, { status, headers });
}
