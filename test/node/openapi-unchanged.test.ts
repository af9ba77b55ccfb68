import { describe, expect, it } from "vitest";
import { createApp, OPENAPI_PATH } from "../../src/app";
import { ERROR_CODES } from "../../src/lib/errors";
import before from "../fixtures/openapi-before-issue-10.json";

/**
 * Issue 10 reshaped routes without changing the contract. The fixture is the document as it was
 * before; the document now must equal it except for these path parameter names and the problem
 * descriptions of statuses that carry more than one code (they now name every code).
 *
 * Later issues add endpoints (SPEC §1: `/api/v1` only gains endpoints, fields and optional parameters),
 * so what is compared is the document restricted to what the fixture has: every path, operation,
 * component and tag of the fixture must still be there and equal, while paths, component schemas and
 * tags it never had may be added. An existing operation that changed still fails.
 *
 * Issue 15 added, for generated clients, what changes no request or response: top-level `servers` and
 * `webhooks`, an `operationId` on every operation, media type `example`/`examples`, and a `description`
 * on every component schema; those are set aside (`withoutClientAdditions`) before comparing.
 */
const RENAMED_PATHS: Record<string, string> = {
  "/api/v1/api-keys/{id}": "/api/v1/api-keys/{keyId}",
  "/api/v1/events/{id}": "/api/v1/events/{eventId}",
  "/api/v1/events/{id}/redeliver": "/api/v1/events/{eventId}/redeliver",
  "/api/v1/webhooks/{id}": "/api/v1/webhooks/{webhookId}",
  "/api/v1/webhooks/{id}/rotate-secret": "/api/v1/webhooks/{webhookId}/rotate-secret",
  "/api/v1/webhooks/{id}/test": "/api/v1/webhooks/{webhookId}/test",
  "/api/v1/webhooks/{id}/deliveries": "/api/v1/webhooks/{webhookId}/deliveries",
  "/admin/v1/organizations/{id}": "/admin/v1/organizations/{organizationId}",
  "/admin/v1/organizations/{id}/api-keys": "/admin/v1/organizations/{organizationId}/api-keys",
  "/admin/v1/organizations/{id}/api-keys/{keyId}": "/admin/v1/organizations/{organizationId}/api-keys/{keyId}",
};

type Json = Record<string, unknown>;
type Parameter = { name: string; in: string };
type Response = { description: string; content?: Json };

const placeholders = (template: string) => [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);

/** The old document with each renamed path, and the names of its path parameters, as they are now. */
function renamed(document: Json): Json {
  const copy = structuredClone(document) as Json & { paths: Record<string, Record<string, Json>> };
  copy.paths = Object.fromEntries(
    Object.entries(copy.paths).map(([path, item]) => {
      const next = RENAMED_PATHS[path] ?? path;
      const names = new Map(placeholders(path).map((name, i) => [name, placeholders(next)[i] as string]));
      for (const operation of Object.values(item)) {
        for (const parameter of (operation.parameters ?? []) as Parameter[]) {
          if (parameter.in === "path") parameter.name = names.get(parameter.name) ?? parameter.name;
        }
      }
      return [next, item];
    }),
  );
  return copy;
}

const statusesWithSeveralCodes = new Set(
  Object.values(ERROR_CODES)
    .map((entry) => String(entry.status))
    .filter((status, i, all) => all.indexOf(status) !== i),
);

/** Every problem response of those statuses, with its description set aside for its own assertion. */
function withoutSharedStatusDescriptions(document: Json): { document: Json; descriptions: Map<string, Set<string>> } {
  const copy = structuredClone(document) as { paths: Record<string, Record<string, { responses?: Json }>> };
  const descriptions = new Map<string, Set<string>>();
  for (const item of Object.values(copy.paths)) {
    for (const operation of Object.values(item)) {
      for (const [status, response] of Object.entries(operation.responses ?? {}) as [string, Response][]) {
        if (!statusesWithSeveralCodes.has(status)) continue;
        descriptions.set(status, (descriptions.get(status) ?? new Set()).add(response.description));
        response.description = "(checked separately)";
      }
    }
  }
  return { document: copy as Json, descriptions };
}

async function currentDocument(): Promise<Json> {
  const res = await createApp().request(OPENAPI_PATH, {}, { APP_VERSION: "test" });
  return (await res.json()) as Json;
}

/** The document without issue 15's additions: operationIds, media type examples, new schema descriptions. */
function withoutClientAdditions(document: Json, reference: Json): Json {
  const copy = structuredClone(document) as {
    paths: Record<string, Record<string, Json & { requestBody?: { content: Json }; responses?: Json }>>;
    components: { schemas: Record<string, Json> };
  };
  for (const item of Object.values(copy.paths)) {
    for (const operation of Object.values(item)) {
      delete operation.operationId;
      const media = [
        ...Object.values(operation.requestBody?.content ?? {}),
        ...Object.values((operation.responses ?? {}) as Record<string, { content?: Json }>).flatMap((response) =>
          Object.values(response.content ?? {}),
        ),
      ] as Json[];
      for (const type of media) {
        delete type.example;
        delete type.examples;
      }
    }
  }
  const referenceSchemas = (reference.components as { schemas: Record<string, Json> }).schemas;
  for (const [name, schema] of Object.entries(copy.components.schemas)) {
    if (referenceSchemas[name] && !("description" in referenceSchemas[name])) delete schema.description;
  }
  return copy as unknown as Json;
}

/** `document` cut down to the keys `reference` has, two levels deep (paths, component groups, tags by name). */
function restrictedTo(document: Json, reference: Json): Json {
  const pick = (value: Json, keys: Json) => Object.fromEntries(Object.keys(keys).map((key) => [key, value[key]]));
  const components = document.components as Record<string, Json>;
  const referenceComponents = reference.components as Record<string, Json>;
  const tagNames = new Set((reference.tags as { name: string }[]).map((tag) => tag.name));
  return {
    ...pick(document, reference),
    paths: pick(document.paths as Json, reference.paths as Json),
    webhooks: pick((document.webhooks ?? {}) as Json, (reference.webhooks ?? {}) as Json),
    components: Object.fromEntries(
      Object.entries(referenceComponents).map(([group, entries]) => [group, pick(components[group] ?? {}, entries)]),
    ),
    tags: (document.tags as { name: string }[]).filter((tag) => tagNames.has(tag.name)),
  };
}

describe("OpenAPI document across issue 10 (Node)", () => {
  it("equals the document before, apart from path parameter names and added endpoints", async () => {
    const then = withoutSharedStatusDescriptions(renamed(before as Json));
    const current = withoutClientAdditions(await currentDocument(), then.document);
    const now = withoutSharedStatusDescriptions(restrictedTo(current, then.document));
    expect(Object.keys((now.document as { paths: Json }).paths)).toEqual(
      Object.keys((then.document as { paths: Json }).paths),
    );
    expect(now.document).toEqual(then.document);
  });

  it("describes a status with several codes by every one of them, the same everywhere", async () => {
    const { descriptions } = withoutSharedStatusDescriptions(await currentDocument());
    expect([...descriptions.keys()].sort()).toEqual(["403", "429"]);
    for (const [status, texts] of descriptions) {
      expect(texts.size, status).toBe(1);
      const codes = Object.entries(ERROR_CODES).filter(([, entry]) => String(entry.status) === status);
      for (const [code] of codes) expect([...texts][0], status).toContain(`\`${code}\``);
    }
  });
});
