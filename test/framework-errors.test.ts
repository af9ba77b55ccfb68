import { describe, expect, it } from "vitest";
import { createMeeting, createOrg, problem } from "./helpers";

describe("problems for bodies the framework cannot read", () => {
  it("says a malformed JSON body is not valid JSON", async () => {
    const org = await createOrg();
    const res = await org.api("/api/v1/meetings", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"endDate": ',
    });
    expect(res.status).toBe(400);
    const body = await problem(res);
    expect(body.code).toBe("validation_error");
    expect(body.detail).toBe("The request body is not valid JSON.");
    expect(body.errors).toEqual([{ location: "body", message: "Malformed JSON in request body" }]);
  });

  it("says a malformed multipart body could not be read as a form, not that it is bad JSON", async () => {
    const org = await createOrg();
    const { body: meeting } = await createMeeting(org);
    const res = await org.api(`/api/v1/rooms/${meeting.roomName.slice(1)}/theme/logo`, {
      method: "PUT",
      headers: { "content-type": "multipart/form-data; boundary=nothing-like-this" },
      body: "this is not a multipart body",
    });
    expect(res.status).toBe(400);
    const body = await problem(res);
    expect(body.code).toBe("validation_error");
    expect(body.detail).not.toMatch(/JSON/);
    expect(body.detail).toMatch(/^The request body is not valid multipart\/form-data/);
    expect(body.errors).toEqual([
      { location: "body", message: expect.stringMatching(/^Malformed FormData request\./) },
    ]);
  });
});
