import { bodyLimit } from "hono/body-limit";
import { ApiError } from "../../lib/errors";
import { LOGO_MAX_BYTES } from "../../services/room-themes";
import { protectedRoute } from "../route-kit";
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

export const getThemeRoute = protectedRoute({
  operationId: "getRoomTheme",
  method: "get",
  path: base,
  tags,
  summary: "Get a room's theme",
  description: "The room must belong to a live meeting of this organization.",
  scope: "read",
  request: { params: RoomNameParam },
  errors: [404],
  responses: {
    200: { description: "The theme.", content: { "application/json": { schema: RoomThemeSchema } } },
  },
});

export const putTokensRoute = protectedRoute({
  operationId: "setRoomThemeTokens",
  method: "put",
  path: `${base}/tokens`,
  tags,
  summary: "Set theme colour tokens",
  description: "Replaces `tokens`; giving tokens without a preset sets `tokensPreset: custom`.",
  scope: "write",
  request: {
    params: RoomNameParam,
    body: { required: true, content: { "application/json": { schema: PutTokensBody } } },
  },
  errors: [404],
  responses: { 204: { description: "Saved." } },
});

export const putLogoRoute = protectedRoute({
  operationId: "setRoomLogo",
  method: "put",
  path: `${base}/logo`,
  tags,
  summary: "Upload or reset a room's logo",
  description:
    '`multipart/form-data` with an `image` part (PNG or JPEG by its bytes, ≤ 600 kB; stored in R2), or JSON `{ "theme": "default" }` to remove the logo. Other content types → 415.',
  scope: "write",
  middleware: [logoBodyLimit],
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
  errors: [404],
  responses: { 204: { description: "Saved." } },
});

export const putBackgroundRoute = protectedRoute({
  operationId: "setRoomBackground",
  method: "put",
  path: `${base}/room-background`,
  tags,
  summary: "Set a room's background",
  description: "Fields left out keep their current value.",
  scope: "write",
  request: {
    params: RoomNameParam,
    body: { required: true, content: { "application/json": { schema: PutBackgroundBody } } },
  },
  errors: [404],
  responses: { 204: { description: "Saved." } },
});
