/** `application/json` or `application/<x>+json`, with or without parameters, in any case. */
export function isJsonContentType(type: string | undefined): boolean {
  return /^application\/([a-z0-9.+-]*\+)?json\b/i.test(type ?? "");
}
