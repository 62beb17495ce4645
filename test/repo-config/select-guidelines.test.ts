import { describe, expect, it } from "vitest";
import type { GuidelineCandidate } from "../../src/repo-config/find-guideline-files.ts";
import { selectGuidelines } from "../../src/repo-config/select-guidelines.ts";

type Read = GuidelineCandidate & { text: string };

const copilot = (name: string, applyTo: string | null, body: string): Read => ({
  path: `.github/instructions/${name}.instructions.md`,
  kind: "copilot-scoped",
  text: applyTo === null ? body : `---\napplyTo: "${applyTo}"\n---\n${body}`,
});

describe("selectGuidelines", () => {
  it("applies an instructions file only when its applyTo globs match a changed file", () => {
    const read = [
      copilot("api", "src/api/**", "API rules."),
      copilot("both", "web/**, **/*.sql", "SQL rules."),
      copilot("web", "web/**", "Web rules."),
      copilot("none", null, "No applyTo: not applied automatically."),
    ];
    const selected = selectGuidelines(read, ["src/api/get.ts", "db/seed.sql"], 4000);
    expect(selected.files).toEqual([
      {
        path: ".github/instructions/api.instructions.md",
        scope: "src/api/**",
        text: "API rules.",
        truncated: false,
      },
      {
        path: ".github/instructions/both.instructions.md",
        scope: "web/**, **/*.sql",
        text: "SQL rules.",
        truncated: false,
      },
    ]);
  });

  it("applies a cursor rule when alwaysApply is true or its globs match, never an agent-requested one", () => {
    const rule = (name: string, front: string): Read => ({
      path: `.cursor/rules/${name}.mdc`,
      kind: "cursor-rule",
      text: `---\n${front}\n---\n${name} rule.`,
    });
    const read = [
      rule("always", "description: x\nglobs:\nalwaysApply: true"),
      rule("unquoted", "globs: *.ts\nalwaysApply: false"),
      rule("list", 'globs: ["lib/**"]'),
      rule("requested", "description: When writing migrations\nalwaysApply: false"),
    ];
    const selected = selectGuidelines(read, ["src/index.ts"], 4000);
    expect(selected.files.map((f) => [f.path, f.scope])).toEqual([
      [".cursor/rules/unquoted.mdc", "*.ts"],
      [".cursor/rules/always.mdc", null],
    ]);
  });

  it("puts nested AGENTS.md first, then scoped files, then the repository-wide ones", () => {
    const read: Read[] = [
      { path: "src/AGENTS.md", kind: "agents", text: "Nested." },
      { path: "AGENTS.md", kind: "agents", text: "Root." },
      copilot("src", "src/**", "Scoped."),
      { path: ".cursorrules", kind: "general", text: "Legacy." },
    ];
    const selected = selectGuidelines(read, ["src/a.ts"], 4000);
    expect(selected.files.map((f) => f.text)).toEqual(["Nested.", "Scoped.", "Root.", "Legacy."]);
  });

  it("keeps within the token budget: whole files first, the one that crosses it truncated with a note, the rest omitted", () => {
    const read: Read[] = [
      { path: "src/AGENTS.md", kind: "agents", text: "a".repeat(350) }, // 100 tokens
      { path: "AGENTS.md", kind: "agents", text: "b".repeat(3500) }, // 1,000 tokens
      { path: "CLAUDE.md", kind: "agents", text: "c".repeat(350) },
    ];
    const selected = selectGuidelines(read, ["src/a.ts"], 400);
    expect(selected.files.map((f) => [f.path, f.truncated])).toEqual([
      ["src/AGENTS.md", false],
      ["AGENTS.md", true],
    ]);
    const truncated = selected.files[1]!.text;
    expect(truncated).toMatch(
      /\[\.\.\. truncated: the rest of AGENTS\.md is over the guideline budget\]$/,
    );
    const total = selected.files.reduce((sum, f) => sum + Math.ceil(f.text.length / 3.5), 0);
    expect(total).toBeLessThanOrEqual(400);
    expect(selected.omitted).toEqual(["CLAUDE.md"]);
  });

  it("omits rather than truncates when too little of the budget is left", () => {
    const read: Read[] = [
      { path: "AGENTS.md", kind: "agents", text: "a".repeat(3400) },
      { path: "CLAUDE.md", kind: "agents", text: "c".repeat(350) },
    ];
    const selected = selectGuidelines(read, ["a.ts"], 1000);
    expect(selected.files.map((f) => f.path)).toEqual(["AGENTS.md"]);
    expect(selected.omitted).toEqual(["CLAUDE.md"]);
  });

  it("skips empty files and strips front matter from what the model reads", () => {
    const read: Read[] = [
      { path: "AGENTS.md", kind: "agents", text: "  \n" },
      copilot("all", "**", "Everything."),
    ];
    const selected = selectGuidelines(read, ["x/y.go"], 4000);
    expect(selected.files.map((f) => f.text)).toEqual(["Everything."]);
  });
});

describe("selectGuidelines with copies", () => {
  it("gives the same text once, under the first file's name", () => {
    const read: Read[] = [
      { path: "AGENTS.md", kind: "agents", text: "Run npm test.\n" },
      { path: "CLAUDE.md", kind: "agents", text: "Run npm test." },
    ];
    expect(selectGuidelines(read, ["a.ts"], 4000).files.map((f) => f.path)).toEqual(["AGENTS.md"]);
  });
});
