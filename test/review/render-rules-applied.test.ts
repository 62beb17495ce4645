import { describe, expect, it } from "vitest";
import { renderRulesApplied } from "../../src/review/render-summary.ts";

const guidelines = (
  files: { path: string; scope: string | null; truncated: boolean }[],
  omitted: string[] = [],
) => ({ files, omitted, maxTokens: 4000 });

describe("renderRulesApplied", () => {
  it("names the rule files, their scopes and the path instructions that applied", () => {
    expect(
      renderRulesApplied({
        instructions: [{ paths: ["src/api/**"] }, { paths: ["*.sql"] }],
        guidelines: guidelines([
          { path: "AGENTS.md", scope: null, truncated: false },
          {
            path: ".github/instructions/api.instructions.md",
            scope: "src/api/**",
            truncated: false,
          },
        ]),
      }),
    ).toBe(
      "Rules applied: `AGENTS.md`, `.github/instructions/api.instructions.md` (`src/api/**`), 2 path instructions from `.github/revue.yml`.",
    );
  });

  it("names the single instructions text, a truncated file and the files over the budget", () => {
    expect(
      renderRulesApplied({
        instructions: [{ paths: [] }],
        guidelines: guidelines(
          [{ path: "CLAUDE.md", scope: null, truncated: true }],
          ["src/AGENTS.md", ".cursorrules"],
        ),
      }),
    ).toBe(
      "Rules applied: `CLAUDE.md` (truncated), the instructions in `.github/revue.yml`. Left out, over the 4,000-token guideline budget (`guidelines_max_tokens`): `src/AGENTS.md`, `.cursorrules`.",
    );
  });

  it("says nothing when no rule applied", () => {
    expect(renderRulesApplied({ instructions: [], guidelines: guidelines([]) })).toBeNull();
  });
});
