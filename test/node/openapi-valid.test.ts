import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { createApp, OPENAPI_PATH } from "../../src/app";

// Runs in Node: the validator compiles JSON Schemas with `new Function`, which workerd forbids.
describe("OpenAPI document (Node)", () => {
  it("validates against the OpenAPI 3.1 schema", async () => {
    const res = await createApp().request(OPENAPI_PATH, {}, { APP_VERSION: "test" });
    const document = await res.json();
    const validator = new Validator();
    const result = await validator.validate(document as Parameters<Validator["validate"]>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });
});
