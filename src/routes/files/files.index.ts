import { createRoute, z } from "@hono/zod-openapi";
import { ApiError } from "../../lib/errors";
import { createRouter, errorResponses } from "../../lib/openapi";
import { roomLogoKey } from "../../storage/keys";
import { recordingFileHook, recordingFileRoute, serveRecordingFile } from "./recording-file";

const getRoomLogoRoute = createRoute({
  method: "get",
  path: "/files/room-logos/{logoId}",
  tags: ["Rooms"],
  security: [],
  summary: "A room logo (public)",
  description: "No authentication: logos are shown to everyone in the room. The URL comes from `logoUrl`.",
  request: {
    params: z.object({
      logoId: z
        .string()
        .min(1)
        .max(64)
        .openapi({ param: { name: "logoId", in: "path" } }),
    }),
  },
  responses: {
    200: {
      description: "The image.",
      content: {
        "image/png": { schema: z.any().openapi({ type: "string", format: "binary" }) },
        "image/jpeg": { schema: z.any().openapi({ type: "string", format: "binary" }) },
      },
    },
    ...errorResponses(404, 500),
  },
});

export const filesRouter = createRouter()
  .openapi(getRoomLogoRoute, async (c) => {
    const object = await c.var.deps.bucket.get(roomLogoKey(c.req.valid("param").logoId));
    if (!object) throw new ApiError("not_found", "No such logo.");
    const headers = new Headers();
    object.writeHttpMetadata(headers);
    headers.set("ETag", object.httpEtag);
    headers.set("Content-Length", String(object.size));
    headers.set("Cache-Control", "public, max-age=300");
    return new Response(object.body, { status: 200, headers }) as never;
  })
  .openapi(
    recordingFileRoute,
    async (c) => {
      const { recordingId } = c.req.valid("param");
      return (await serveRecordingFile(c, recordingId, c.req.valid("query").token)) as never;
    },
    recordingFileHook,
  );
