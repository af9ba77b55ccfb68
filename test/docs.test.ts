import { describe, expect, it } from "vitest";
import scalarPackage from "../node_modules/@scalar/api-reference/package.json";
import { call, env } from "./helpers";

/** Every URL the page names in src/href attributes, `import … from`, `url(…)`, and the reference's config. */
function referencedUrls(html: string): string[] {
  const patterns = [/\b(?:src|href)\s*=\s*["']([^"']+)["']/gi, /\bfrom\s+["']([^"']+)["']/g, /url\(\s*["']?([^"')]+)/g];
  const urls = patterns.flatMap((pattern) => [...html.matchAll(pattern)].map((match) => match[1] ?? ""));
  return [...urls, ...[...html.matchAll(/"(?:url|cdn|proxyUrl)"\s*:\s*"([^"]*)"/g)].map((match) => match[1] ?? "")];
}

describe("GET /docs", () => {
  it("loads everything from this origin: the pinned reference bundle, no CDN, no web fonts", async () => {
    const res = await call("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    const urls = referencedUrls(html);
    expect(urls).toContain("/api/v1/openapi.json");
    expect(urls).toContain(`/vendor/scalar-api-reference-${scalarPackage.version}.js`);
    for (const url of urls) expect(url, url).toMatch(/^\/(?!\/)/);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toMatch(/"withDefaultFonts":\s*false/);
  });

  it("serves the bundle as JavaScript, cacheable for a year under its versioned name", async () => {
    // Static assets answer before the Worker runs (as in production); tests reach them through the binding.
    const res = await env.ASSETS.fetch(`https://parley.test/vendor/scalar-api-reference-${scalarPackage.version}.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^(?:application|text)\/javascript/);
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await res.text()).toContain("createApiReference");
  });
});
