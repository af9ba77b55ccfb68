import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// Runs in Node: it reads the sources. Configuration is read in src/env.ts; lib functions take values as arguments.
describe("src/lib reads no configuration (Node)", () => {
  it("has no function that takes Env or reads a binding, var or secret", () => {
    const offenders = readdirSync("src/lib")
      .filter((name) => name.endsWith(".ts"))
      .flatMap((name) => {
        const source = readFileSync(`src/lib/${name}`, "utf8");
        return /\benv\s*[.[]|:\s*Env\b|\bc\.env\b|cloudflare:workers/.test(source) ? [name] : [];
      });
    expect(offenders).toEqual([]);
  });
});
