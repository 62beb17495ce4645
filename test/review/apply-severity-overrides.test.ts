import { describe, expect, it } from "vitest";
import { applySeverityOverrides } from "../../src/review/apply-severity-overrides.ts";

const finding = (
  path: string,
  category: string,
  severity: "critical" | "major" | "minor" | "nit",
) => ({
  path,
  category,
  severity,
  title: `${category} in ${path}`,
});

describe("applySeverityOverrides", () => {
  const findings = [
    finding("test/a.test.ts", "style", "minor"),
    finding("src/a.ts", "style", "minor"),
    finding("test/b.test.ts", "bug", "major"),
    finding("docs/guide.md", "docs", "minor"),
  ];

  it("re-rates findings matching both paths and category, and no others", () => {
    const result = applySeverityOverrides(findings, [
      { paths: ["test/**"], category: "style", level: "nit" },
    ]);
    expect(result.kept.map((f) => f.severity)).toEqual(["nit", "minor", "major", "minor"]);
    expect(result).toMatchObject({ dropped: 0, changed: 1 });
  });

  it("drops findings whose override is off, by category alone or by paths alone", () => {
    const byCategory = applySeverityOverrides(findings, [{ category: "docs", level: "off" }]);
    expect(byCategory.kept.map((f) => f.path)).toEqual([
      "test/a.test.ts",
      "src/a.ts",
      "test/b.test.ts",
    ]);
    expect(byCategory.dropped).toBe(1);
    const byPath = applySeverityOverrides(findings, [{ paths: ["test/"], level: "off" }]);
    expect(byPath.kept.map((f) => f.path)).toEqual(["src/a.ts", "docs/guide.md"]);
  });

  it("uses the first override that matches", () => {
    const result = applySeverityOverrides(findings, [
      { paths: ["test/**"], level: "critical" },
      { category: "style", level: "off" },
    ]);
    expect(result.kept.map((f) => `${f.path}:${f.severity}`)).toEqual([
      "test/a.test.ts:critical",
      "test/b.test.ts:critical",
      "docs/guide.md:minor",
    ]);
    expect(result).toMatchObject({ dropped: 1, changed: 2 });
  });

  it("keeps every finding as it is without overrides", () => {
    expect(applySeverityOverrides(findings, [])).toEqual({
      kept: findings,
      dropped: 0,
      changed: 0,
    });
  });
});
