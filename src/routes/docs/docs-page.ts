import { Scalar } from "@scalar/hono-api-reference";

/**
 * The reference UI's browser bundle, served by Parley itself from public/vendor/ (copied there from the
 * installed @scalar/api-reference by scripts/vendor-assets.mjs). The version in the name must be the
 * installed one (a test checks the page's script is served); it lets browsers cache the file for a year.
 */
export const SCALAR_BUNDLE_PATH = "/vendor/scalar-api-reference-1.72.1.js";

/**
 * `GET /docs`: the interactive reference for the OpenAPI document at `documentPath`. Everything it loads
 * comes from this origin: the bundle above, no web fonts, and none of the reference's hosted extras
 * (AI agent, MCP, telemetry), so it works offline.
 */
export function docsPage(documentPath: string) {
  return Scalar({
    url: documentPath,
    pageTitle: "Parley API reference",
    cdn: SCALAR_BUNDLE_PATH,
    withDefaultFonts: false,
    telemetry: false,
    agent: { disabled: true },
    mcp: { disabled: true },
  });
}
