import type { RouteHandler } from "@hono/zod-openapi";
import { type AppEnv, publicBaseUrl } from "../../env";
import { ApiError } from "../../lib/errors";
import { isJsonContentType, unsupportedMediaType } from "../../lib/http";
import {
  ensureLiveRoom,
  getRoomTheme,
  replaceLogo,
  setRoomBackground,
  setThemeTokens,
  toRoomTheme,
} from "../../services/room-themes";
import type { getThemeRoute, putBackgroundRoute, putLogoRoute, putTokensRoute } from "./rooms.routes";

export const getTheme: RouteHandler<typeof getThemeRoute, AppEnv> = async (c) => {
  const db = c.var.deps.db;
  const { orgId } = c.get("auth");
  const roomName = await ensureLiveRoom(db, orgId, c.req.valid("param").roomName);
  return c.json(toRoomTheme(await getRoomTheme(db, orgId, roomName), publicBaseUrl(c.env, c.req.url)), 200);
};

export const putTokens: RouteHandler<typeof putTokensRoute, AppEnv> = async (c) => {
  const db = c.var.deps.db;
  const { orgId } = c.get("auth");
  const roomName = await ensureLiveRoom(db, orgId, c.req.valid("param").roomName);
  await setThemeTokens(db, orgId, roomName, c.req.valid("json"));
  return c.body(null, 204);
};

export const putLogo: RouteHandler<typeof putLogoRoute, AppEnv> = async (c) => {
  const db = c.var.deps.db;
  const { orgId } = c.get("auth");
  const roomName = await ensureLiveRoom(db, orgId, c.req.valid("param").roomName);
  const header = c.req.header("content-type");
  const isMultipart = (header ?? "").toLowerCase().startsWith("multipart/form-data");
  if (!isMultipart && !isJsonContentType(header)) {
    throw unsupportedMediaType(
      header,
      'Send `multipart/form-data` with an `image` part, or `{ "theme": "default" }` with `Content-Type: application/json`.',
    );
  }
  let image: File | null = null;
  if (isMultipart) {
    const part = (c.req.valid("form") as { image?: unknown }).image;
    if (!(part instanceof File)) {
      throw new ApiError("validation_error", "Send the logo as the `image` file part.", {
        errors: [{ location: "body.image", message: "Required file" }],
      });
    }
    image = part;
  } else if ((c.req.valid("json") as { theme?: string }).theme !== "default") {
    throw new ApiError("validation_error", 'Send multipart `image`, or JSON { "theme": "default" } to reset.', {
      errors: [{ location: "body.theme", message: 'Expected "default"' }],
    });
  }
  await replaceLogo(db, c.var.deps.bucket, orgId, roomName, image);
  return c.body(null, 204);
};

export const putBackground: RouteHandler<typeof putBackgroundRoute, AppEnv> = async (c) => {
  const db = c.var.deps.db;
  const { orgId } = c.get("auth");
  const roomName = await ensureLiveRoom(db, orgId, c.req.valid("param").roomName);
  await setRoomBackground(db, orgId, roomName, c.req.valid("json"));
  return c.body(null, 204);
};
