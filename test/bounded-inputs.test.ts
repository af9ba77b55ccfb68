import { describe, expect, it } from "vitest";
import { OPENAPI_PATH } from "../src/app";
import { MAX_PROBLEM_ERRORS } from "../src/lib/errors";
import { call, createOrg, problem } from "./helpers";

type Schema = { type?: string | string[]; maxItems?: number; [key: string]: unknown };
type FoundArray = { where: string; schema: Schema };

/** Every array schema reachable from `node`, with its JSON pointer, following `$ref`s into components. */
function arraysIn(
  node: unknown,
  where: string,
  components: Record<string, unknown>,
  seen = new Set<string>(),
): FoundArray[] {
  const found: FoundArray[] = [];
  if (Array.isArray(node)) {
    return node.flatMap((item, i) => arraysIn(item, `${where}/${i}`, components, seen));
  }
  if (!node || typeof node !== "object") return found;
  const schema = node as Schema;
  if (typeof schema.$ref === "string") {
    const name = schema.$ref.split("/").pop() as string;
    if (seen.has(name)) return found;
    seen.add(name);
    return arraysIn(components[name], `#/components/schemas/${name}`, components, seen);
  }
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes("array")) found.push({ where, schema });
  for (const [key, value] of Object.entries(schema))
    found.push(...arraysIn(value, `${where}/${key}`, components, seen));
  return found;
}

async function startUpload() {
  const org = await createOrg();
  const created = await org.api("/api/v1/recordings/uploads", {
    method: "POST",
    json: { filename: "big.webm", contentType: "video/webm" },
  });
  const { uploadId } = (await created.json()) as { uploadId: string };
  const complete = (body: string) =>
    org.api(`/api/v1/recordings/uploads/${uploadId}/complete`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
  return { complete };
}

describe("bounded request inputs", () => {
  it("answers 100,000 parts with a small 400, not a 500", async () => {
    const { complete } = await startUpload();
    const res = await complete(JSON.stringify({ parts: Array.from({ length: 100_000 }, () => ({})) }));
    expect(res.status).toBe(400);
    const text = await res.clone().text();
    expect(text.length).toBeLessThan(4_000);
    const body = await problem(res);
    expect(body.errors).toEqual([{ location: "body.parts", message: expect.stringContaining("512") }]);
  });

  it("lists at most the first problems and says how many were left out", async () => {
    const { complete } = await startUpload();
    const res = await complete(JSON.stringify({ parts: Array.from({ length: 500 }, () => ({ partNumber: 0 })) }));
    expect(res.status).toBe(400);
    const body = await problem(res);
    const errors = body.errors as { location: string }[];
    expect(errors).toHaveLength(MAX_PROBLEM_ERRORS);
    expect(errors[0]?.location).toBe("body.parts.0.partNumber");
    expect(body.detail).toContain(`${1000 - MAX_PROBLEM_ERRORS} more`);
  });

  it("caps every array a request can carry, in the OpenAPI document too", async () => {
    const doc = (await (await call(OPENAPI_PATH)).json()) as {
      paths: Record<string, Record<string, { parameters?: unknown[]; requestBody?: unknown }>>;
      components: { schemas: Record<string, unknown> };
    };
    const arrays = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).flatMap(([method, op]) =>
        arraysIn(
          [op.parameters ?? [], op.requestBody ?? {}],
          `${method.toUpperCase()} ${path}`,
          doc.components.schemas,
        ),
      ),
    );
    expect(arrays.length).toBeGreaterThanOrEqual(5);
    const unbounded = arrays.filter((a) => typeof a.schema.maxItems !== "number").map((a) => a.where);
    expect(unbounded).toEqual([]);
  });
});
