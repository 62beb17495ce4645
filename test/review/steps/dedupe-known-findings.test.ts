import { describe, expect, it } from "vitest";
import type { FindingStatus } from "../../../src/db/schema.ts";
import { fingerprintFinding } from "../../../src/review/fingerprint.ts";
import { dedupeKnownFindings } from "../../../src/review/steps/dedupe-known-findings.ts";

function finding(title: string, extra: { line?: number; quotedCode?: string } = {}) {
  return {
    path: "src/app.js",
    quotedCode: extra.quotedCode ?? `code of ${title}`,
    title,
    line: extra.line ?? 1,
  };
}

function known(title: string, status: FindingStatus) {
  return { fingerprint: fingerprintFinding(finding(title)), status };
}

describe("dedupeKnownFindings", () => {
  it("keeps new findings in order, each with its fingerprint and its own fields", () => {
    const a = finding("A", { line: 4 });
    const b = finding("B", { line: 9 });
    const { fresh, carriedForward } = dedupeKnownFindings([a, b], []);
    expect(fresh).toEqual([
      { ...a, fingerprint: fingerprintFinding(a) },
      { ...b, fingerprint: fingerprintFinding(b) },
    ]);
    expect(carriedForward).toBe(0);
  });

  it("drops a repeat within the review, keeping the first (lines do not matter)", () => {
    const { fresh } = dedupeKnownFindings(
      [finding("A", { line: 4 }), finding("B"), finding("A", { line: 40 })],
      [],
    );
    expect(fresh.map((f) => [f.title, f.line])).toEqual([
      ["A", 4],
      ["B", 1],
    ]);
  });

  it("never repeats an open finding, and counts it as carried forward", () => {
    const { fresh, carriedForward } = dedupeKnownFindings(
      [finding("A"), finding("B")],
      [known("A", "open")],
    );
    expect(fresh.map((f) => f.title)).toEqual(["B"]);
    expect(carriedForward).toBe(1);
  });

  it("counts an open finding the model repeats within the review once", () => {
    const { fresh, carriedForward } = dedupeKnownFindings(
      [finding("A"), finding("A", { line: 8 })],
      [known("A", "open")],
    );
    expect(fresh).toEqual([]);
    expect(carriedForward).toBe(1);
  });

  it("never raises a dismissed finding again; one listed in a summary stays in the summary", () => {
    const { fresh, stillInSummary, carriedForward } = dedupeKnownFindings(
      [finding("A"), finding("B"), finding("C")],
      [known("A", "dismissed"), known("B", "summary")],
    );
    expect(fresh.map((f) => f.title)).toEqual(["C"]);
    expect(stillInSummary.map((f) => f.title)).toEqual(["B"]);
    expect(carriedForward).toBe(0);
  });

  it("raises an addressed finding again when it comes back", () => {
    const { fresh, carriedForward } = dedupeKnownFindings(
      [finding("A")],
      [known("A", "addressed")],
    );
    expect(fresh.map((f) => f.title)).toEqual(["A"]);
    expect(carriedForward).toBe(0);
  });

  it("matches known findings by fingerprint: whitespace in the quote does not matter", () => {
    const reformatted = finding("A", { quotedCode: "  code   of A  " });
    const { fresh, carriedForward } = dedupeKnownFindings([reformatted], [known("A", "open")]);
    expect(fresh).toEqual([]);
    expect(carriedForward).toBe(1);
  });
});
