// Exports the OpenAPI document without a running server and regenerates the typed client's core from it:
// clients/typescript/openapi.json and clients/typescript/src/generated/schema.ts.
//   node scripts/client-generate.mjs          writes both files (npm run client:generate)
//   node scripts/client-generate.mjs --check  fails when the committed files differ (npm run client:check, CI)
// The app is TypeScript that imports without extensions, so esbuild (a wrangler dependency) bundles a tiny entry
// that builds the document the way the worker serves it: createApp().request("/api/v1/openapi.json").
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const CLIENT = join(ROOT, "clients", "typescript");
const OUTPUTS = {
  document: join(CLIENT, "openapi.json"),
  schema: join(CLIENT, "src", "generated", "schema.ts"),
};

/** The version the deployed worker reports (wrangler.toml `APP_VERSION`), so the exported document is the served one. */
function appVersion() {
  const match = readFileSync(join(ROOT, "wrangler.toml"), "utf8").match(/^APP_VERSION\s*=\s*"([^"]+)"/m);
  if (!match) throw new Error("wrangler.toml has no APP_VERSION var");
  return match[1];
}

async function exportDocument() {
  const esbuild = createRequire(join(ROOT, "package.json"))("esbuild");
  const entry = `import { createApp, OPENAPI_PATH } from "./src/app";
    export async function openApiDocument(version) {
      const response = await createApp().request(OPENAPI_PATH, {}, { APP_VERSION: version });
      if (response.status !== 200) throw new Error("GET " + OPENAPI_PATH + " answered " + response.status);
      return response.json();
    }`;
  const built = await esbuild.build({
    stdin: { contents: entry, resolveDir: ROOT, loader: "ts", sourcefile: "openapi-export.ts" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // Workers-only modules are imported lazily by code that building the document never runs.
    external: ["cloudflare:*"],
    write: false,
    logLevel: "error",
  });
  const dir = mkdtempSync(join(tmpdir(), "parley-openapi-"));
  try {
    const file = join(dir, "openapi-export.mjs");
    writeFileSync(file, built.outputFiles[0].text);
    const { openApiDocument } = await import(pathToFileURL(file).href);
    return await openApiDocument(appVersion());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** openapi-typescript needs TypeScript 5's compiler API, which the client package (not the root) installs. */
async function generateTypes(document) {
  const fromClient = createRequire(join(CLIENT, "package.json"));
  const generator = fromClient("openapi-typescript");
  const openapiTS = generator.default ?? generator;
  const { astToString, COMMENT_HEADER } = generator;
  const ts = fromClient("typescript");
  const blob = ts.factory.createTypeReferenceNode(ts.factory.createIdentifier("Blob"));
  const ast = await openapiTS(structuredClone(document), {
    // Files (uploads, downloads) are Blobs, which every runtime has, rather than the default `string`.
    transform: (schema) => (schema.format === "binary" ? blob : undefined),
    silent: true,
  });
  return `${COMMENT_HEADER}${astToString(ast)}`;
}

async function main() {
  const check = process.argv.includes("--check");
  const document = await exportDocument();
  const wanted = {
    document: `${JSON.stringify(document, null, 2)}\n`,
    schema: await generateTypes(document),
  };
  const stale = [];
  for (const [name, path] of Object.entries(OUTPUTS)) {
    let current = null;
    try {
      current = readFileSync(path, "utf8");
    } catch {
      // missing: stale
    }
    if (current === wanted[name]) continue;
    stale.push(relative(ROOT, path));
    if (!check) writeFileSync(path, wanted[name]);
  }
  if (check && stale.length > 0) {
    console.error(
      `The typed client is out of date with the API (${stale.join(", ")}): run \`npm run client:generate\` and commit.`,
    );
    process.exitCode = 1;
  } else if (check) {
    console.log("clients/typescript matches the OpenAPI document.");
  } else {
    console.log(stale.length > 0 ? `Wrote ${stale.join(", ")}.` : "clients/typescript was up to date.");
  }
}

main().catch((error) => {
  console.error(`[client:generate] ${error instanceof Error ? (error.stack ?? error.message) : error}`);
  process.exitCode = 1;
});
