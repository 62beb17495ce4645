import { describe, expect, it } from "vitest";
import { isApprovalOnly } from "../../src/safety/is-approval-only.ts";

/** The words approval text is made of; only these may stand next to a verdict. */
const VOCABULARY = [
  "approve",
  "approved",
  "approves",
  "approving",
  "approval",
  "lgtm",
  "sgtm",
  "looks",
  "look",
  "good",
  "great",
  "fine",
  "ok",
  "okay",
  "to",
  "me",
  "us",
  "ship",
  "shipit",
  "it",
  "this",
  "the",
  "pr",
  "pull",
  "request",
  "change",
  "changes",
  "is",
  "are",
  "can",
  "be",
  "merged",
  "merge",
  "ready",
  "go",
  "i",
  "we",
  "all",
  "set",
  "event",
  "review",
  "status",
  "+1",
  ":+1:",
  ":shipit:",
  ":thumbsup:",
  ":white_check_mark:",
  ":heavy_check_mark:",
  ":rocket:",
  "👍",
  "✅",
  "✔",
  "✔️",
  "🚀",
  "🎉",
];

/** The words that make approval text a verdict on their own. */
const VERDICTS = [
  "approve",
  "approved",
  "approves",
  "approving",
  "approval",
  "lgtm",
  "sgtm",
  "shipit",
  "ship",
  "merge",
  "merged",
  "+1",
  ":+1:",
  ":shipit:",
  ":thumbsup:",
  ":white_check_mark:",
  "👍",
  "✅",
];

describe("isApprovalOnly", () => {
  it.each(VOCABULARY)("takes %j next to a verdict for approval", (word) => {
    expect(isApprovalOnly(`LGTM, ${word}`)).toBe(true);
    expect(isApprovalOnly(`${word} sorry LGTM`)).toBe(false);
  });

  it.each(VERDICTS)("takes %j alone for a verdict", (word) => {
    expect(isApprovalOnly(word.toUpperCase())).toBe(true);
  });

  it.each(VOCABULARY.filter((word) => !VERDICTS.includes(word)))(
    "takes %j alone for no verdict",
    (word) => {
      expect(isApprovalOnly(word)).toBe(false);
    },
  );

  it("takes 'look(s) good, great or fine' for a verdict, and nothing else that looks like it", () => {
    for (const text of ["Looks good", "look great", "LOOKS FINE to me"]) {
      expect(isApprovalOnly(text), text).toBe(true);
    }
    for (const text of ["good look", "looks ok", "looksgood", "it is fine", "good, fine"]) {
      expect(isApprovalOnly(text), text).toBe(false);
    }
  });

  it("reads shortcodes and emoji as one word each, and any other word as a finding", () => {
    expect(isApprovalOnly(":rocket: :white_check_mark: ✔️🎉")).toBe(true);
    expect(isApprovalOnly(":heavy_check_mark: 🚀")).toBe(false);
    expect(isApprovalOnly(":x: LGTM")).toBe(false);
    expect(isApprovalOnly("LGTM 🐛")).toBe(false);
    expect(isApprovalOnly("lgtm2")).toBe(false);
    expect(isApprovalOnly("LGTM (except for the race in cache.ts)")).toBe(false);
  });

  it("finds no approval in text without words", () => {
    expect(isApprovalOnly("")).toBe(false);
    expect(isApprovalOnly("... !!! ---")).toBe(false);
  });
});
