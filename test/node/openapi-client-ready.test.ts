import { describe, expect, it } from "vitest";
import { createApp, OPENAPI_PATH } from "../../src/app";
import { EVENT_DATA, EVENT_TYPES } from "../../src/contracts/events";

/** What a generated client needs from the document (issue 15): names, descriptions, servers, webhooks, examples. */
type Json = Record<string, unknown>;
type MediaType = { schema?: Json; example?: unknown; examples?: Record<string, { value: unknown }> };
type Operation = {
  operationId?: string;
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, { content?: Record<string, MediaType> }>;
};
type Document = {
  servers?: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  webhooks?: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json> };
};

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

async function currentDocument(): Promise<Document> {
  const res = await createApp().request(OPENAPI_PATH, {}, { APP_VERSION: "test" });
  return (await res.json()) as Document;
}

function operations(items: Record<string, Record<string, Operation>>) {
  return Object.entries(items).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]) => ({ where: `${method.toUpperCase()} ${path}`, operation })),
  );
}

const operationById = (document: Document, id: string) =>
  operations(document.paths).find(({ operation }) => operation.operationId === id)?.operation;

const hasExample = (media: MediaType | undefined) =>
  media !== undefined && (media.example !== undefined || Object.keys(media.examples ?? {}).length > 0);

describe("OpenAPI document for generated clients (Node)", () => {
  it("names every operation (paths and webhooks) with a unique camelCase operationId", async () => {
    const document = await currentDocument();
    const all = [...operations(document.paths), ...operations(document.webhooks ?? {})];
    expect(all.length).toBeGreaterThan(60);
    expect(all.filter(({ operation }) => !operation.operationId).map(({ where }) => where)).toEqual([]);
    const ids = all.map(({ operation }) => operation.operationId as string);
    expect(ids.filter((id) => !/^[a-z][a-zA-Z0-9]*$/.test(id))).toEqual([]);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    expect(operationById(document, "createMeeting")).toBeDefined();
    expect(operationById(document, "listRecordings")).toBeDefined();
    expect(operationById(document, "getTranscription")).toBeDefined();
  });

  it("describes every component schema", async () => {
    const { components } = await currentDocument();
    const undescribed = Object.entries(components.schemas)
      .filter(([, schema]) => typeof schema.description !== "string" || schema.description === "")
      .map(([name]) => name);
    expect(undescribed).toEqual([]);
  });

  it("names a server", async () => {
    const { servers } = await currentDocument();
    expect(servers?.length).toBeGreaterThan(0);
    expect(servers?.[0]?.url).toBe("/");
  });

  it("has one webhook per event type, its payload carrying that type's data schema", async () => {
    const document = await currentDocument();
    expect(Object.keys(document.webhooks ?? {}).sort()).toEqual([...EVENT_TYPES].sort());
    for (const type of EVENT_TYPES) {
      const body = document.webhooks?.[type]?.post?.requestBody?.content["application/json"]?.schema;
      const name = String(body?.$ref).replace("#/components/schemas/", "");
      const payload = document.components.schemas[name] as {
        properties: { type: { const?: string; enum?: string[] }; data: Json };
        required: string[];
      };
      expect(payload.required.sort(), type).toEqual(["data", "timestamp", "type"]);
      expect(payload.properties.type.const ?? payload.properties.type.enum?.[0], type).toBe(type);
      const dataRef = payload.properties.data.$ref as string | undefined;
      const data = (
        dataRef ? document.components.schemas[dataRef.split("/").pop() as string] : payload.properties.data
      ) as {
        properties: Json;
      };
      expect(Object.keys(data.properties).sort(), type).toEqual(Object.keys(EVENT_DATA[type].shape).sort());
    }
  });

  it("shows request and response examples on the main operations", async () => {
    const document = await currentDocument();
    const withBody = [
      "createMeeting",
      "createRecordingUpload",
      "createTranscription",
      "createSummary",
      "createWebhook",
    ];
    for (const id of withBody) {
      expect(hasExample(operationById(document, id)?.requestBody?.content["application/json"]), id).toBe(true);
    }
    const responses: [string, string][] = [
      ["createMeeting", "201"],
      ["getMeeting", "200"],
      ["uploadRecording", "201"],
      ["getRecording", "200"],
      ["createTranscription", "201"],
      ["getTranscription", "200"],
      ["createSummary", "201"],
      ["getSummary", "200"],
      ["createWebhook", "201"],
      ["getWebhook", "200"],
    ];
    for (const [id, status] of responses) {
      const media = operationById(document, id)?.responses[status]?.content?.["application/json"];
      expect(hasExample(media), `${id} ${status}`).toBe(true);
    }
  });
});
