import type { IncomingHttpHeaders, Server } from "node:http";

export interface ReceivedDelivery {
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

export function startReceiver(options?: {
  port?: number;
  onDelivery?: (name: string, delivery: ReceivedDelivery) => void;
}): Promise<{
  url: string;
  deliveries: Map<string, ReceivedDelivery[]>;
  close: () => Promise<void>;
  server: Server;
}>;
