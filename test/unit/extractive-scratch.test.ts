import { it } from "vitest";
import { createExtractiveProvider } from "../../src/ai/extractive";
import { STANDUP } from "./extractive-fixtures";

it("prints", async () => {
  const p = createExtractiveProvider();
  const input = { segments: STANDUP, language: null };
  for (const template of ["General Bulleted", "General Narrative", "SOAP"] as const)
    console.log(JSON.stringify((await p.generate("summary", { ...input, template })).result, null, 1));
  console.log(JSON.stringify((await p.generate("keypoints", input)).result, null, 1));
  console.log(JSON.stringify((await p.generate("feedback", { ...input, speakerName: "Bob" })).result, null, 1));
  console.log(
    JSON.stringify((await p.generate("email", { ...input, recipientName: "Eve", tone: "casual" })).result, null, 1),
  );
  console.log(
    JSON.stringify(
      (await p.generate("query", { ...input, query: "why does the invite step hurt onboarding?" })).result,
      null,
      1,
    ),
  );
  console.log(JSON.stringify((await p.generate("query", { ...input, query: "what did we decide?" })).result, null, 1));
});
