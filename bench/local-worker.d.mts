export interface LocalWorker {
  base: string;
  adminToken: string;
  persistDir: string;
  d1Execute: (sql: string) => Promise<void>;
  d1Query: (sql: string) => Promise<Record<string, unknown>[]>;
  stop: () => Promise<void>;
}

export function startLocalWorker(options?: {
  extraArgs?: string[];
  beforeStart?: (d1Execute: (sql: string) => Promise<void>) => Promise<void>;
  vars?: Record<string, string>;
}): Promise<LocalWorker>;
