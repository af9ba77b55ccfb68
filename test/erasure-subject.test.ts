import { describe, expect, it } from "vitest";
import { sha256Hex } from "../src/lib/crypto";
import { HashedSubject } from "../src/services/erasure/hashed-subject";
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

describe("the same rule with only the subject's hash (stored replays)", () => {
  const hashedLike = async (value: string) => {
    const normalised = value.trim().toLowerCase();
    return new HashedSubject({ sha256: await sha256Hex(normalised), length: value.trim().length });
  };

  it("redacts what the clear subject redacts, names and emails alike", async () => {
    const texts = [
      "ANN LEE said: thanks, ann lee. Ann Leeds and Joann Lee stay; Ann Lee's turn",
      "Anne Lee, Mary-Ann Lee, ann lee",
      "mail ADA@Example.com. or <ada@example.com>, not ada@example.com.au or lada@example.com",
    ];
    for (const value of [" Ann Lee ", "ada@example.com", "Zoë"]) {
      const clear = new Subject({ field: value.includes("@") ? "email" : "displayName", value });
      const hashed = await hashedLike(value);
      for (const text of [...texts, "ZOË and zoë, not Zoëy"]) {
        expect(await hashed.redact(text), `${value} in ${text}`).toBe(clear.redact(text));
      }
    }
  });

  it("in JSON replaces a person named by one field whole, and occurrences elsewhere", async () => {
    const value = { host: { displayName: "Ada Lovelace", email: "x@y.z" }, note: "Ada Lovelace joined", n: 3 };
    const clear = new Subject({ field: "displayName", value: "ada lovelace" });
    expect(await (await hashedLike("ada lovelace")).redactJson(value)).toEqual(clear.redactJson(value));
  });
});
