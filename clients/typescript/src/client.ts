import createClient, { type Client, type FetchResponse, type MaybeOptionalInit, type Middleware } from "openapi-fetch";
import type { HttpMethod, MediaType, PathsWithMethod, RequiredKeysOf } from "openapi-typescript-helpers";
import { ParleyError } from "./errors.js";
import type { paths } from "./generated/schema.js";
import { DEFAULT_RETRY, type RetryOptions, retryingFetch } from "./retry.js";

export interface ParleyClientOptions {
  /** Where Parley runs, e.g. `https://parley.example.com` or `http://localhost:8787`. */
  baseUrl: string;
  /** An API key (`prl_…`) for `/api/v1`, or the operator's `ADMIN_TOKEN` for `/admin/v1`. */
  apiKey?: string;
  /** Retries on 429/503 honouring `Retry-After` (bounded); `false` turns them off. */
  retry?: Partial<RetryOptions> | false;
  /** Makes the `Idempotency-Key` sent with every POST that has none (default `crypto.randomUUID()`). */
  idempotencyKey?: () => string;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** The fetch to use (default the runtime's own). */
  fetch?: (request: Request) => Promise<Response>;
}

// openapi-fetch's own method signature, answering only with the success branch: errors are thrown as ParleyError.
type InitParam<Init> =
  RequiredKeysOf<Init> extends never ? [(Init & { [key: string]: unknown })?] : [Init & { [key: string]: unknown }];
type Success<R> = R extends { error?: never } ? R : never;
type Method<M extends HttpMethod> = <P extends PathsWithMethod<paths, M>, Init extends MaybeOptionalInit<paths[P], M>>(
  url: P,
  ...init: InitParam<Init>
) => Promise<
  paths[P][M] extends infer Operation extends Record<string | number, unknown>
    ? Success<FetchResponse<Operation, Init, MediaType>>
    : never
>;

type JsonOf<R> = R extends { content: { "application/json": infer B } } ? B : never;
type PageOf<P extends PathsWithMethod<paths, "get">> = paths[P]["get"] extends { responses: { 200: infer R } }
  ? JsonOf<R>
  : never;
/** The GET paths that answer a cursor page (`{ results, cursor }`). */
export type ListPath = {
  [P in PathsWithMethod<paths, "get">]: PageOf<P> extends { results: unknown[]; cursor: string | null } ? P : never;
}[PathsWithMethod<paths, "get">];
/** An item of the list at `P`. */
export type ListItem<P extends ListPath> = PageOf<P> extends { results: (infer T)[] } ? T : never;
type Parameters_<P extends ListPath> = paths[P]["get"] extends { parameters: infer Q } ? Q : never;
type QueryOf<P extends ListPath> = Parameters_<P> extends { query?: infer Q } ? Omit<NonNullable<Q>, "cursor"> : never;
type PathParamsOf<P extends ListPath> = Parameters_<P> extends { path: infer T } ? T : never;
/** What to list: the filters (every page uses them) and, for nested lists, the path parameters. */
export type PageInit<P extends ListPath> = { query?: QueryOf<P> } & (PathParamsOf<P> extends never
  ? { path?: never }
  : { path: PathParamsOf<P> });

export interface ParleyClient {
  GET: Method<"get">;
  POST: Method<"post">;
  PUT: Method<"put">;
  PATCH: Method<"patch">;
  DELETE: Method<"delete">;
  HEAD: Method<"head">;
  /**
   * Every item of a list, page after page (the next page is fetched when the last item of this one was taken):
   * `for await (const meeting of client.paginate("/api/v1/meetings", { query: { limit: 100 } }))`.
   */
  paginate<P extends ListPath>(
    url: P,
    ...init: PathParamsOf<P> extends never ? [PageInit<P>?] : [PageInit<P>]
  ): AsyncGenerator<ListItem<P>, void, undefined>;
  /** The underlying openapi-fetch client (same middleware and retries): answers `{ data, error, response }`, never throws ParleyError. */
  raw: Client<paths>;
}

/** Sends JSON as openapi-fetch does, and files (Blob, bytes, streams, forms) as they are. */
function bodySerializer(body: unknown): unknown {
  const binary =
    (typeof Blob !== "undefined" && body instanceof Blob) ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    (typeof ReadableStream !== "undefined" && body instanceof ReadableStream) ||
    (typeof FormData !== "undefined" && body instanceof FormData) ||
    (typeof URLSearchParams !== "undefined" && body instanceof URLSearchParams);
  return binary ? body : JSON.stringify(body);
}

function authAndIdempotency(options: ParleyClientOptions): Middleware {
  const newKey = options.idempotencyKey ?? (() => crypto.randomUUID());
  return {
    onRequest({ request }) {
      if (options.apiKey && !request.headers.has("authorization")) {
        request.headers.set("authorization", `Bearer ${options.apiKey}`);
      }
      if (request.method === "POST" && !request.headers.has("idempotency-key")) {
        request.headers.set("idempotency-key", newKey());
      }
      return request;
    },
  };
}

/**
 * A typed Parley client: openapi-fetch over the types generated from Parley's OpenAPI document, plus an
 * Idempotency-Key on every POST, bounded retries on 429/503, cursor pagination and ParleyError for every problem.
 */
export function createParleyClient(options: ParleyClientOptions): ParleyClient {
  const retry = options.retry === false ? { ...DEFAULT_RETRY, maxAttempts: 1 } : { ...DEFAULT_RETRY, ...options.retry };
  const baseFetch = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const raw = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ""),
    headers: options.headers,
    fetch: retryingFetch(baseFetch, retry),
    bodySerializer,
  });
  raw.use(authAndIdempotency(options));

  const throwing = (method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD") =>
    (async (url: string, init?: object) => {
      const call = raw[method] as (url: string, init?: object) => Promise<FetchResponse<object, object, MediaType>>;
      const result = await call(url, init);
      if (!result.response.ok) throw new ParleyError(result.response, result.error);
      return result;
    }) as never;

  const client: ParleyClient = {
    GET: throwing("GET"),
    POST: throwing("POST"),
    PUT: throwing("PUT"),
    PATCH: throwing("PATCH"),
    DELETE: throwing("DELETE"),
    HEAD: throwing("HEAD"),
    raw,
    async *paginate(url, ...[init]) {
      const get = client.GET as unknown as (url: string, init: object) => Promise<{ data: unknown }>;
      let cursor: string | undefined;
      do {
        const query = { ...(init?.query as object | undefined), ...(cursor === undefined ? {} : { cursor }) };
        const { data } = await get(url, { params: { query, path: init?.path } });
        const page = data as { results: ListItem<typeof url>[]; cursor: string | null };
        yield* page.results;
        cursor = page.cursor ?? undefined;
      } while (cursor !== undefined);
    },
  };
  return client;
}
