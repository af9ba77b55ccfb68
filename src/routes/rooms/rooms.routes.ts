import { createRoute } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { ApiError } from "../../lib/errors";
import { AUTHENTICATED_ERRORS, errorResponses } from "../../lib/openapi";
import { requireScope } from "../../middleware/scope";
import { LOGO_MAX_BYTES } from "../../services/room-themes";
import { API_KEY_SECURITY } from "../shared.schemas";
import {
  LogoUploadBody,
  PutBackgroundBody,
  PutTokensBody,
  ResetLogoBody,
  RoomNameParam,
  RoomThemeSchema,
} from "./rooms.schemas";

const tags = ["Rooms"];
const base = "/api/v1/rooms/{roomName}/theme";

/** Room for multipart framing around the largest allowed logo; enforced while the body streams. */
const logoBodyLimit = bodyLimit({
  maxSize: LOGO_MAX_BYTES + 16 * 1024,
  onError: () => {
    throw new ApiError("payload_too_large", `Logos are limited to ${LOGO_MAX_BYTES} bytes.`);
  },
});

export const getThemeRoute = createRoute({
  method: "get",
  path: base,
  tags,
  summary: "Get a room's theme",
  description: "Scope `read`. The room must belong to a live meeting of this organization.",
  security: API_KEY_SECURITY,
  middleware: [requireScope("read")] as const,
  request: { params: RoomNameParam },
  responses: {
    200: { description: "The theme.", content: { "application/json": { schema: RoomThemeSchema } } },
    ...errorResponses(404, ...AUTHENTICATED_ERRORS),
  },
});

export const putTokensRoute = createRoute({
  method: "put",
  path: `${base}/tokens`,
  tags,
  summary: "Set theme colour tokens",
  description: "Scope `write`. Replaces `tokens`; giving tokens without a preset sets `tokensPreset: custom`.",
  security: API_KEY_SECURITY,
  middleware: [requireScope("write")] as const,
  request: {
    params: RoomNameParam,
    body: { required: true, content: { "application/json": { schema: PutTokensBody } } },
  },
  responses: { 204: { description: "Saved." }, ...errorResponses(400, 404, 413, 415, ...AUTHENTICATED_ERRORS) },
});

export const putLogoRoute = createRoute({
  method: "put",
  path: `${base}/logo`,
  tags,
  summary: "Upload or reset a room's logo",
  description:
    'Scope `write`. `multipart/form-data` with an `image` part (PNG or JPEG by its bytes, ≤ 600 kB; stored in R2), or JSON `{ "theme": "default" }` to remove the logo. Other content types → 415.',
  security: API_KEY_SECURITY,
  middleware: [requireScope("write"), logoBodyLimit] as const,
  request: {
    params: RoomNameParam,
    body: {
      required: false,
      content: {
        "multipart/form-data": { schema: LogoUploadBody },
        "application/json": { schema: ResetLogoBody },
      },
    },
  },
  responses: { 204: { description: "Saved." }, ...errorResponses(400, 404, 413, 415, ...AUTHENTICATED_ERRORS) },
});

export const putBackgroundRoute = createRoute({
  method: "put",
  path: `${base}/room-background`,
  tags,
  summary: "Set a room's background",
  description: "Scope `write`. Fields left out keep their current value.",
  security: API_KEY_SECURITY,
  middleware: [requireScope("write")] as const,
  request: {
    params: RoomNameParam,
    body: { required: true, content: { "application/json": { schema: PutBackgroundBody } } },
  },
  responses: { 204: { description: "Saved." }, ...errorResponses(400, 404, 413, 415, ...AUTHENTICATED_ERRORS) },
});
