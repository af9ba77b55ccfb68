/** Why an outbound request got no HTTP answer, as a delivery log shows it. */
export type FetchFailureKind = "timeout" | "dns" | "connection_refused" | "connection_closed" | "tls" | "network";

export interface FetchFailure {
  kind: FetchFailureKind;
  /** One readable sentence for the delivery's `error`. */
  message: string;
}

/** Whether a plain TCP connection to `hostname:port` opens. */
export type TcpProbe = (hostname: string, port: number) => Promise<boolean>;

const PROBE_TIMEOUT_MS = 3_000;

/** workerd's message for a connection that failed or dropped at the socket level (refused, reset). */
const DISCONNECTED = "Network connection lost.";

/**
 * Opens and closes a TCP connection. `cloudflare:sockets` is loaded on first use, as only a failed
 * delivery needs it (and Node, which also loads this module for the OpenAPI check, has no such module).
 */
export const tcpReachable: TcpProbe = async (hostname, port) => {
  const { connect } = await import("cloudflare:sockets");
  let timer: ReturnType<typeof setTimeout> | undefined;
  let socket: ReturnType<typeof connect> | undefined;
  try {
    socket = connect({ hostname, port });
    // A failed connection rejects `closed` too; unobserved, workerd reports it as an uncaught rejection.
    socket.closed.catch(() => {});
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS);
    });
    return await Promise.race([socket.opened.then(() => true), timedOut]);
  } catch {
    return false;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    socket?.close().catch(() => {});
  }
};

/**
 * Names the cause of a `fetch` to `url` that threw. workerd says little: a refused or dropped
 * connection is "Network connection lost.", and a DNS or TLS failure is an opaque "internal error;
 * reference = …" (the real cause reaches only the runtime's own log). So a failure other than the
 * timeout is narrowed down with one TCP connection to the same host and port: none opens → the port
 * refuses, or the name does not resolve; one opens → the receiver dropped the request, or TLS failed.
 */
export async function classifyFetchFailure(
  error: unknown,
  url: URL,
  timeoutMs: number,
  probe: TcpProbe = tcpReachable,
): Promise<FetchFailure> {
  const name = error instanceof Error || error instanceof DOMException ? error.name : "";
  if (name === "TimeoutError" || name === "AbortError") {
    return { kind: "timeout", message: `Timeout: no response within ${timeoutMs / 1000} s` };
  }
  const https = url.protocol === "https:";
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const port = Number(url.port || (https ? 443 : 80));
  const where = `${url.hostname}:${port}`;
  const reachable = await probe(host, port);
  const message = error instanceof Error ? error.message : String(error);
  if (message === DISCONNECTED) {
    return reachable
      ? { kind: "connection_closed", message: `Connection closed: ${where} dropped the connection before answering` }
      : { kind: "connection_refused", message: `Connection refused: nothing accepts connections on ${where}` };
  }
  const isAddress = /^[\d.]+$|:/.test(host);
  if (!reachable && !isAddress) {
    return { kind: "dns", message: `DNS lookup failed: ${url.hostname} does not resolve to an address` };
  }
  if (reachable && https) {
    return {
      kind: "tls",
      message: `TLS handshake with ${where} failed: is it serving HTTPS with a valid certificate?`,
    };
  }
  return { kind: "network", message: `Could not reach ${where}` };
}

/** Statuses Cloudflare's edge answers for an origin it could not reach (the receiver itself, or its own CDN). */
const CLOUDFLARE_ORIGIN_ERRORS: Record<number, string> = {
  521: "the receiver refused the connection",
  522: "the connection to the receiver timed out",
  523: "the receiver is unreachable",
  524: "the receiver did not answer in time",
  525: "the TLS handshake with the receiver failed",
  526: "the receiver's TLS certificate is not valid",
  530: "the receiver's host name could not be resolved or reached (DNS)",
};

/** `HTTP <status>`, with what Cloudflare means by it for the 52x/530 origin errors a deployed Worker sees. */
export function describeHttpFailure(status: number): string {
  const meaning = CLOUDFLARE_ORIGIN_ERRORS[status];
  return meaning ? `HTTP ${status} (Cloudflare: ${meaning})` : `HTTP ${status}`;
}
