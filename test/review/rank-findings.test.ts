import { describe, it, expect } from "vitest";
import { applyNoiseBudget, type Rankable } from "../../src/review/rank-findings.ts";

type Finding = Rankable & { id: string };

function finding(id: string, severity: Finding["severity"], confidence: Finding["confidence"]) {
  return { id, severity, confidence } satisfies Finding;
}

const ids = (findings: Finding[]): string[] => findings.map((f) => f.id);

describe("applyNoiseBudget", () => {
  it("ranks by severity times confidence: a sure major beats an unsure critical", () => {
    // Scores: critical 8, major 4, minor 2, nit 1, times high 1, medium 0.7, low 0.4.
    const findings = [
      finding("minor-high", "minor", "high"), // 2
      finding("critical-low", "critical", "low"), // 3.2
      finding("major-high", "major", "high"), // 4
      finding("major-medium", "major", "medium"), // 2.8
      finding("critical-high", "critical", "high"), // 8
      finding("major-low", "major", "low"), // 1.6
      finding("minor-medium", "minor", "medium"), // 1.4
    ];
    const { inline } = applyNoiseBudget(findings, { threshold: "nit", maxInline: 50 });
    expect(ids(inline)).toEqual([
      "critical-high",
      "major-high",
      "critical-low",
      "major-medium",
      "minor-high",
      "major-low",
      "minor-medium",
    ]);
  });

  it("keeps the input order among findings of equal rank", () => {
    const findings = [
      finding("a", "minor", "high"),
      finding("b", "major", "high"),
      finding("c", "minor", "high"),
      finding("d", "major", "high"),
      finding("e", "minor", "high"),
    ];
    const { inline } = applyNoiseBudget(findings, { threshold: "nit", maxInline: 50 });
    expect(ids(inline)).toEqual(["b", "d", "a", "c", "e"]);
  });

  it("posts at most maxInline findings inline and lists the rest, by rank, as overflow", () => {
    const findings = [
      finding("m1", "minor", "high"),
      finding("c1", "critical", "high"),
      finding("j1", "major", "high"),
      finding("m2", "minor", "medium"),
    ];
    expect(applyNoiseBudget(findings, { threshold: "minor", maxInline: 2 })).toEqual({
      inline: [findings[1], findings[2]],
      overflow: [findings[0], findings[3]],
      folded: [],
    });
  });

  it("folds findings below the threshold, whatever their confidence or the budget left", () => {
    const findings = [
      finding("nit-high", "nit", "high"),
      finding("minor-low", "minor", "low"),
      finding("major-low", "major", "low"),
      finding("nit-low", "nit", "low"),
    ];
    const budget = applyNoiseBudget(findings, { threshold: "major", maxInline: 8 });
    expect(ids(budget.inline)).toEqual(["major-low"]);
    expect(budget.overflow).toEqual([]);
    // Folded in rank order too: minor-low 0.8, nit-high 1 -> nit-high first.
    expect(ids(budget.folded)).toEqual(["nit-high", "minor-low", "nit-low"]);
  });

  it("treats the threshold as inclusive, and folds nothing at threshold nit", () => {
    const findings = [finding("nit", "nit", "low"), finding("critical", "critical", "low")];
    expect(ids(applyNoiseBudget(findings, { threshold: "nit", maxInline: 8 }).inline)).toEqual([
      "critical",
      "nit",
    ]);
    const onlyCritical = applyNoiseBudget(findings, { threshold: "critical", maxInline: 8 });
    expect(ids(onlyCritical.inline)).toEqual(["critical"]);
    expect(ids(onlyCritical.folded)).toEqual(["nit"]);
  });

  it("with maxInline 0 posts nothing inline and drops nothing", () => {
    const findings = [finding("a", "major", "high"), finding("b", "nit", "high")];
    expect(applyNoiseBudget(findings, { threshold: "minor", maxInline: 0 })).toEqual({
      inline: [],
      overflow: [findings[0]],
      folded: [findings[1]],
    });
  });

  it("returns the same finding objects and leaves the input list as it was", () => {
    const findings = [finding("a", "nit", "high"), finding("b", "critical", "high")];
    const copy = [...findings];
    const { inline } = applyNoiseBudget(findings, { threshold: "nit", maxInline: 8 });
    expect(inline[0]).toBe(findings[1]);
    expect(findings).toEqual(copy);
    expect(applyNoiseBudget([], { threshold: "minor", maxInline: 8 })).toEqual({
      inline: [],
      overflow: [],
      folded: [],
    });
  });
});
