import type { Server } from "node:http";

/** Text every programmed failure's body contains, so tests can check it never reaches a Parley message. */
export const FAKE_ERROR_MARKER: string;

export function startFakeOpenAi(options?: { port?: number }): Promise<{
  /** The default tag's base URL, ending in `/v1`. */
  url: string;
  origin: string;
  /** The base URL (ending in `/v1`) of a tag with its own programmed behaviours and recorded requests. */
  tagUrl: (tag: string) => string;
  close: () => Promise<void>;
  server: Server;
}>;
