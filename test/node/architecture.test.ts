import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The house's layering, checked on the source text: tenant tables are reached only through
 * `src/db/queries/`, which only services call, and imports flow one way (ARCHITECTURE.md).
 */
const ROOT = resolve(__dirname, "../..");
const SRC = join(ROOT, "src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

interface Import {
  /** Resolved path relative to the repository (`src/…`, no extension) or the bare package name. */
  target: string;
  typeOnly: boolean;
  /** Value names imported (type-only names left out). */
  names: string[];
}

function importsOf(text: string, file: string): Import[] {
  const found: Import[] = [];
  const pattern = /(?:import|export)\s+(type\s+)?(?:([\w*\s{},]*?)\s+from\s+)?["']([^"']+)["']/g;
  for (const match of text.matchAll(pattern)) {
    const [, typeKeyword, clause = "", spec = ""] = match;
    const target = spec.startsWith(".") ? relative(ROOT, resolve(dirname(file), spec)) : spec;
    const braces = clause.match(/\{([^}]*)\}/)?.[1] ?? "";
    const names = braces
      .split(",")
      .map((n) => n.trim())
      .filter((n) => n && !n.startsWith("type "))
      .map((n) => n.split(/\s+as\s+/)[0] as string);
    const typeOnly = Boolean(typeKeyword) || (braces !== "" && names.length === 0 && !/^\s*\w+\s*,/.test(clause));
    found.push({ target, typeOnly, names });
  }
  return found;
}

const files = sourceFiles(SRC).map((path) => {
  const text = readFileSync(path, "utf8");
  return { path: relative(ROOT, path), text, imports: importsOf(text, path) };
});

const under = (path: string, ...prefixes: string[]) =>
  prefixes.some((p) => path === p || path.startsWith(p.endsWith("/") ? p : `${p}/`) || path === `${p}.ts`);

/** Table objects declared in `src/db/schema`. */
const TABLES = new Set(
  files
    .filter((f) => under(f.path, "src/db/schema"))
    .flatMap((f) => [...f.text.matchAll(/export const (\w+) = sqliteTable\(/g)].map((m) => m[1] as string)),
);

const TABLE_HOLDERS = ["src/db/queries", "src/db/schema", "src/db/tenants.ts", "src/db/client.ts"];

function violations(rule: (file: (typeof files)[number]) => string[]): string[] {
  return files.flatMap((file) => rule(file).map((problem) => `${file.path}: ${problem}`));
}

describe("architecture", () => {
  it("sees the source (the check itself works)", () => {
    expect(TABLES.size).toBeGreaterThanOrEqual(8);
    expect(files.some((f) => f.path === "src/db/queries/system.ts")).toBe(true);
  });

  it("only db/queries (and schema, tenants, client) import table objects from db/schema", () => {
    const found = violations((file) => {
      if (TABLE_HOLDERS.some((p) => under(file.path, p))) return [];
      return file.imports
        .filter((i) => under(i.target, "src/db/schema") && !i.typeOnly)
        .flatMap((i) => i.names.filter((n) => TABLES.has(n)).map((n) => `imports table ${n}`));
    });
    expect(found).toEqual([]);
  });

  it("builds drizzle queries only in db (services compose conditions; pagination builds the keyset)", () => {
    const found = violations((file) => {
      if (under(file.path, "src/db", "src/services", "src/lib/pagination.ts")) return [];
      return file.imports
        .filter((i) => i.target.startsWith("drizzle-orm") && !i.typeOnly)
        .map((i) => `imports ${i.target}`);
    });
    expect(found).toEqual([]);
  });

  it("only services (and db) call db/queries; the org Durable Object calls its own query file", () => {
    const found = violations((file) => {
      if (under(file.path, "src/services", "src/db")) return [];
      return file.imports
        .filter((i) => under(i.target, "src/db/queries"))
        .filter(
          (i) => !(under(file.path, "src/durable-objects/org-gate") && under(i.target, "src/db/queries/org-gate")),
        )
        .map((i) => `imports ${i.target}`);
    });
    expect(found).toEqual([]);
  });

  it("imports flow one way: below the handlers nothing imports routes, middleware, queues but the producer, cron or the app", () => {
    const upper = ["src/routes", "src/middleware", "src/cron", "src/app", "src/index"];
    const found = violations((file) => {
      if (
        !under(file.path, "src/db", "src/lib", "src/services", "src/storage", "src/contracts", "src/queues/producer.ts")
      )
        return [];
      return file.imports
        .filter(
          (i) => under(i.target, ...upper) || (under(i.target, "src/queues") && i.target !== "src/queues/producer"),
        )
        .map((i) => `imports ${i.target}`);
    });
    expect(found).toEqual([]);
  });

  it("db, lib, storage and contracts import no services; contracts import nothing of the app", () => {
    const found = violations((file) => {
      if (under(file.path, "src/contracts")) {
        return file.imports.filter((i) => i.target.startsWith("src/")).map((i) => `imports ${i.target}`);
      }
      if (!under(file.path, "src/db", "src/lib", "src/storage")) return [];
      return file.imports.filter((i) => under(i.target, "src/services")).map((i) => `imports ${i.target}`);
    });
    expect(found).toEqual([]);
  });

  it("services are handed the typed queue producer, never a raw queue binding", () => {
    const found = violations((file) =>
      under(file.path, "src/services") && /\b[A-Z_]+_QUEUE\b/.test(file.text) ? ["uses a raw queue binding"] : [],
    );
    expect(found).toEqual([]);
  });

  it("lib reads no env", () => {
    const found = violations((file) => {
      if (!under(file.path, "src/lib")) return [];
      const problems = file.imports.filter((i) => under(i.target, "src/env") && !i.typeOnly).map(() => "imports env");
      if (/\b(?:c\.)?env\.[A-Z_]+/.test(file.text) || /\bEnv\b/.test(file.text)) problems.push("reads env");
      return problems;
    });
    expect(found).toEqual([]);
  });
});
