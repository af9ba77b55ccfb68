#!/usr/bin/env node
// Copies the browser files Parley serves from installed packages into public/vendor/ (git-ignored) under
// versioned names, so /docs works offline and with no CDN, and the files can be cached for a year
// (public/_headers). Wrangler runs this before every build ([build] in wrangler.toml: dev, deploy, dry
// runs); the test config runs it too. Idempotent; files of versions no longer installed are removed.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const VENDOR_DIR = join(ROOT, "public", "vendor");

/** What is served: public/vendor/<name>-<installed version>.js ← node_modules/<package>/<file>. */
const VENDORED = [
  { name: "scalar-api-reference", package: "@scalar/api-reference", file: "dist/browser/standalone.js" },
];

export function vendorAssets() {
  mkdirSync(VENDOR_DIR, { recursive: true });
  const wanted = new Set();
  for (const { name, package: pkg, file } of VENDORED) {
    const packageDir = join(ROOT, "node_modules", pkg);
    if (!existsSync(join(packageDir, "package.json"))) {
      throw new Error(`${pkg} is not installed: run \`npm install\` first.`);
    }
    const { version } = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
    const target = `${name}-${version}.js`;
    const source = join(packageDir, file);
    const destination = join(VENDOR_DIR, target);
    wanted.add(target);
    if (!existsSync(destination) || statSync(destination).size !== statSync(source).size) {
      copyFileSync(source, destination);
    }
  }
  for (const stale of readdirSync(VENDOR_DIR).filter((entry) => !wanted.has(entry))) {
    rmSync(join(VENDOR_DIR, stale), { recursive: true, force: true });
  }
  return [...wanted];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    vendorAssets();
  } catch (error) {
    console.error(`[vendor-assets] ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
}
