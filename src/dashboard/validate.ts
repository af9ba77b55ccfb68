import type { z } from "@hono/zod-openapi";
import { ApiError } from "../lib/errors";
import { issuesToFieldErrors, type ZodIssueLike } from "../lib/openapi";

/**
 * A form read through the API route's own schema: the same rules and the same messages. A refusal is the
 * API's `validation_error`, which pages show with its field list.
 */
export function parseLikeTheApi<T extends z.ZodType>(schema: T, target: "json" | "query", input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const errors = issuesToFieldErrors(target, result.error.issues as readonly ZodIssueLike[], input);
  throw new ApiError("validation_error", "Some fields are not valid.", { errors });
}

/** A form refusal (400) to show next to the form; anything else goes on to the error page. */
export function formRefusal(error: unknown): { message: string; errors?: { location: string; message: string }[] } {
  if (error instanceof ApiError && error.status === 400)
    return { message: error.message, errors: error.options.errors };
  throw error;
}
