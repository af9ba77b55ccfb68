import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";

/**
 * Headers every response carries: browsers must not guess a type other than the one declared.
 * Problem responses set them too (`problemResponse`), as a thrown error skips the lines after `next()`.
 */
export const securityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  c.res.headers.set("X-Content-Type-Options", "nosniff");
});
