import { describe, expect, it } from "vitest";
import { listNotInline } from "../../../src/review/steps/list-not-inline.ts";
import { INJECTION_FINDING, NIT_FINDING } from "../../helpers/fixtures.ts";

describe("listNotInline", () => {
  it("notes why each finding is not inline: over the limit, no line, refused", () => {
    const over = { ...INJECTION_FINDING, title: "over" };
    const nowhere = { ...NIT_FINDING, title: "nowhere" };
    const refused = { ...INJECTION_FINDING, title: "refused" };
    expect(listNotInline([over], [nowhere], [refused])).toEqual([
      { finding: over, note: "over the inline comment limit" },
      { finding: nowhere, note: "no line in the diff to attach it to" },
      { finding: refused, note: "GitHub refused the inline comment" },
    ]);
  });

  it("is empty when everything is inline", () => {
    expect(listNotInline([], [], [])).toEqual([]);
  });
});
