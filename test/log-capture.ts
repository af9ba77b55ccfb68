/**
 * Everything Parley logs during a test file, recorded beneath any `vi.spyOn(console, …)` a test installs
 * (the setup file test/setup/capture-logs.ts puts a recording proxy in front of `console`), and the
 * checker that fails the file when a secret or a request body appears in it (SPEC §9).
 */

const METHODS = new Set(["log", "info", "warn", "error", "debug", "trace"]);
const INSTALLED = Symbol.for("parley.log-capture");

interface Capture {
  lines: string[];
  /** Values that must never be logged: configured secrets, request bodies sent through the test helpers. */
  sensitive: Set<string>;
}

type Global = typeof globalThis & { [INSTALLED]?: Capture };

const stringify = (value: unknown) => {
  if (typeof value === "string") return value;
  if (value instanceof Error) return `${value.name}: ${value.message}\n${value.stack ?? ""}`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
};

/** Puts the recording proxy in front of `console`, once per isolate. */
export function installLogCapture(): Capture {
  const global = globalThis as Global;
  const existing = global[INSTALLED];
  if (existing) return existing;
  const capture: Capture = { lines: [], sensitive: new Set() };
  const target = console;
  const recorders = new Map<string, (...args: unknown[]) => unknown>();
  // A proxy, not wrapped methods: a spy a test installs lands on the target, and calls still pass through here.
  globalThis.console = new Proxy(target, {
    get(object, property, receiver) {
      if (typeof property !== "string" || !METHODS.has(property)) return Reflect.get(object, property, receiver);
      let recorder = recorders.get(property);
      if (!recorder) {
        recorder = (...args: unknown[]) => {
          capture.lines.push(`${property}: ${args.map(stringify).join(" ")}`);
          return (Reflect.get(object, property) as (...a: unknown[]) => unknown).apply(object, args);
        };
        recorders.set(property, recorder);
      }
      return recorder;
    },
  });
  global[INSTALLED] = capture;
  return capture;
}

const capture = () => installLogCapture();

/** What was logged since the test file started. */
export const capturedLogs = (): readonly string[] => capture().lines;

/** Starts a test file's record afresh. */
export function resetCapturedLogs(): void {
  capture().lines.length = 0;
}

/** Drops lines a test logged on purpose to prove the checker (they would fail the file otherwise). */
export function discardCapturedLogs(matching: (line: string) => boolean): void {
  const kept = capture().lines.filter((line) => !matching(line));
  capture().lines.splice(0, capture().lines.length, ...kept);
}

/** A value that must never appear in a log line (short values are ignored: they match by chance). */
export function neverLog(value: string | null | undefined): void {
  if (value && value.length >= 16) capture().sensitive.add(value);
}

const PATTERNS: [string, RegExp][] = [
  ["API key", /prl_[0-9A-Za-z]{20,}/],
  ["webhook secret", /whsec_[A-Za-z0-9+/]{20,}/],
  ["signed token", /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{20,}/],
  ["token in a URL", /[?&](?:token|roomKey|viewerKey)=[^&\s"]{8,}/],
  ["Authorization header", /authorization"?\s*[:=]|bearer\s+[A-Za-z0-9._~+/-]{8,}/i],
];

/** Where a secret or request body appears in `lines`: what it is and the line, with the value masked. */
export function findLeaks(lines: readonly string[], sensitive: Iterable<string> = capture().sensitive): string[] {
  const values = [...sensitive];
  const leaks: string[] = [];
  for (const line of lines) {
    for (const [name, pattern] of PATTERNS) {
      const found = line.match(pattern)?.[0];
      if (found) leaks.push(`${name}: ${line.replace(found, `${found.slice(0, 8)}…`).slice(0, 300)}`);
    }
    for (const value of values) {
      if (line.includes(value)) leaks.push(`secret or request body: ${line.replace(value, "<it>").slice(0, 300)}`);
    }
  }
  return leaks;
}
