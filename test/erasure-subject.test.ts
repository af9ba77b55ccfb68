import { describe, expect, it } from "vitest";
import { ERASED, Subject } from "../src/services/erasure/subject";

describe("the erasure matching rule", () => {
  it("finds a display name case-insensitively, as a whole name, and replaces each occurrence", () => {
    const ann = new Subject({ field: "displayName", value: " Ann Lee " });
    expect(ann.redact("ANN LEE said: thanks, ann lee. Ann Leeds and Joann Lee stay; Ann Lee's turn")).toBe(
      `${ERASED} said: thanks, ${ERASED}. Ann Leeds and Joann Lee stay; ${ERASED}'s turn`,
    );
    expect(ann.occursIn("Anne Lee")).toBe(false);
    expect(ann.occursIn("Mary-Ann Lee")).toBe(false);
    expect(new Subject({ field: "displayName", value: "Zoë" }).redact("ZOË and zoë, not Zoëy")).toBe(
      `${ERASED} and ${ERASED}, not Zoëy`,
    );
  });

  it("finds an email case-insensitively but not inside a longer address", () => {
    const ada = new Subject({ field: "email", value: "ada@example.com" });
    expect(ada.redact("mail ADA@Example.com. or <ada@example.com>")).toBe(`mail ${ERASED}. or <${ERASED}>`);
    expect(ada.occursIn("ada@example.com.au and lada@example.com and ada@example.community")).toBe(false);
  });

  it("finds an external id exactly", () => {
    const id = new Subject({ field: "externalId", value: "user-4" });
    expect(id.redact("user-4, USER-4, user-42, xuser-4")).toBe(`${ERASED}, USER-4, user-42, xuser-4`);
  });

  it("is idempotent, even for a subject spelled like the marker", () => {
    const odd = new Subject({ field: "displayName", value: "erased" });
    const once = odd.redact("erased and [erased]");
    expect(once).toBe(`${ERASED} and ${ERASED}`);
    expect(odd.redact(once)).toBe(once);
    expect(odd.occursIn(once)).toBe(false);
  });

  it("in JSON replaces a participant named by any of its person fields whole, and occurrences elsewhere", () => {
    const id = new Subject({ field: "externalId", value: "user-ada" });
    expect(
      id.redactJson({
        participantId: "p-1",
        displayName: "Ada",
        externalId: "user-ada",
        nested: [{ note: "ping user-ada" }, { displayName: "Bob", externalId: "user-bob" }],
      }),
    ).toEqual({
      participantId: "p-1",
      displayName: ERASED,
      externalId: ERASED,
      nested: [{ note: `ping ${ERASED}` }, { displayName: "Bob", externalId: "user-bob" }],
    });
  });
});
