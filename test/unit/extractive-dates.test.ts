import { describe, expect, it } from "vitest";
import { datesIn, extractDates } from "../../src/ai/extractive/dates";
import { segmentSentences } from "../../src/ai/extractive/sentences";
import { segmentsOf } from "./extractive-fixtures";

describe("datesIn", () => {
  it.each([
    ["We launch on March 3.", ["March 3"]],
    ["We launch on March 3rd, 2026.", ["March 3rd, 2026"]],
    ["The audit is on 3 March.", ["3 March"]],
    ["The audit is on the 14th of February.", ["14th of February"]],
    ["The deadline is 2026-03-03.", ["2026-03-03"]],
    ["Ship it on 3/3.", ["3/3"]],
    ["Invoices from 12/31/2025 are late.", ["12/31/2025"]],
    ["Send it by Friday.", ["Friday"]],
    ["Let's meet next Tuesday or this Thursday.", ["next Tuesday", "this Thursday"]],
    ["Finish it by tomorrow and review it next week.", ["tomorrow", "next week"]],
    ["Wrap up by the end of the quarter.", ["end of the quarter"]],
    ["Support is 24/7.", []],
    ["We may 2x the budget.", []],
    ["It scored 50/50 and 3.5/5.", []],
    ["See you tomorrow.", []],
    ["Have a good weekend, talk to you Monday.", []],
    ["Is everyone fine with March 18?", []],
    ["The issue happened again on Saturday.", []],
    ["We had that outage on Black Friday.", []],
    ["Every meeting runs over on a Tuesday.", []],
    ['She told me, "I\'ll start next week," and did not.', []],
    ["The plan was to release on March 11.", ["March 11"]],
  ])("%j → %j", (text, expected) => {
    expect(datesIn(text)).toEqual(expected);
  });
});

describe("extractDates", () => {
  it("gives each date its sentence as context, in meeting order", () => {
    const sentences = segmentSentences(
      segmentsOf([
        ["Alice", "Um, the release goes out on March 3. Nothing else."],
        ["Bob", "The review is by Friday."],
        ["Carol", "No dates here."],
      ]),
    );
    expect(extractDates(sentences)).toEqual([
      { date: "March 3", context: "The release goes out on March 3." },
      { date: "Friday", context: "The review is by Friday." },
    ]);
  });
});
