import { describe, expect, it } from "vitest";
import {
  DEFAULT_REPO_CONFIG,
  parseRepoConfig,
  selectInstructions,
} from "../../src/repo-config/repo-config.ts";

describe("path instructions in .github/revue.yml", () => {
  it("keeps the single-text form working", () => {
    const { config, problems } = parseRepoConfig("instructions: Prefer early returns.\n");
    expect(problems).toEqual([]);
    expect(config.instructions).toBe("Prefer early returns.");
    expect(selectInstructions(config.instructions, ["anything.ts"])).toEqual([
      { paths: [], text: "Prefer early returns." },
    ]);
    expect(selectInstructions("  ", ["anything.ts"])).toEqual([]);
  });

  it("reads the list form and applies an entry only when a changed file matches its paths", () => {
    const text = [
      "instructions:",
      '  - paths: ["src/api/**"]',
      "    text: Every handler checks the caller's permission.",
      '  - paths: ["migrations/*.ts", "*.sql"]',
      "    text: Migrations are reversible.",
    ].join("\n");
    const { config, problems } = parseRepoConfig(text);
    expect(problems).toEqual([]);
    expect(config.instructions).toHaveLength(2);
    expect(selectInstructions(config.instructions, ["src/api/users/get.ts"])).toEqual([
      { paths: ["src/api/**"], text: "Every handler checks the caller's permission." },
    ]);
    expect(selectInstructions(config.instructions, ["db/seed/init.sql", "README.md"])).toEqual([
      { paths: ["migrations/*.ts", "*.sql"], text: "Migrations are reversible." },
    ]);
    expect(selectInstructions(config.instructions, ["src/web/page.tsx"])).toEqual([]);
  });

  it("drops only the invalid entries of a list, each named, and keeps the rest", () => {
    const text = [
      "instructions:",
      '  - paths: ["src/**"]',
      "    text: Keep it.",
      "  - paths: []",
      "    text: No paths.",
      '  - paths: ["lib/**"]',
      "  - text: only text",
      '    paths: ["a/**"]',
      "    extra: 1",
      "severity:",
      '  - paths: ["test/**"]',
      "    category: style",
      "    level: nit",
      "  - level: off",
      "  - category: fashion",
      "    level: nit",
      "  - category: docs",
      "    level: loud",
    ].join("\n");
    const { config, problems } = parseRepoConfig(text);
    expect(config.instructions).toEqual([{ paths: ["src/**"], text: "Keep it." }]);
    expect(config.severity).toEqual([{ paths: ["test/**"], category: "style", level: "nit" }]);
    expect(problems).toEqual([
      expect.stringMatching(/^instructions\[1\]\.paths: .+ \(entry ignored\)$/),
      expect.stringMatching(/^instructions\[2\]\.text: .+ \(entry ignored\)$/),
      expect.stringMatching(/^instructions\[3\]: .*extra.* \(entry ignored\)$/),
      expect.stringMatching(/^severity\[1\]: give paths, category or both .+ \(entry ignored\)$/),
      expect.stringMatching(/^severity\[2\]\.category: .+ \(entry ignored\)$/),
      expect.stringMatching(/^severity\[3\]\.level: .+ \(entry ignored\)$/),
    ]);
  });

  it("falls back to the default for a value of the wrong shape, naming the setting", () => {
    for (const [text, key] of [
      ["instructions: 3\n", "instructions"],
      ["instructions: {paths: [a], text: b}\n", "instructions"],
      ["severity: {category: style, level: nit}\n", "severity"],
      ["guidelines_max_tokens: 16001\n", "guidelines_max_tokens"],
      ["guidelines_max_tokens: -1\n", "guidelines_max_tokens"],
    ] as const) {
      const { config, problems } = parseRepoConfig(text);
      expect(config, text).toEqual(DEFAULT_REPO_CONFIG);
      expect(problems, text).toEqual([
        expect.stringMatching(new RegExp(`^${key}: .+ \\(default used\\)$`)),
      ]);
    }
  });

  it("accepts the limits: 20 path instructions of 2,000 characters, a zero guideline budget", () => {
    const entries = Array.from({ length: 20 }, (_, i) => ({
      paths: [`p${i}/**`],
      text: "x".repeat(2000),
    }));
    const { config, problems } = parseRepoConfig(
      `instructions: ${JSON.stringify(entries)}\nguidelines_max_tokens: 0\n`,
    );
    expect(problems).toEqual([]);
    expect(config.instructions).toHaveLength(20);
    expect(config.guidelines_max_tokens).toBe(0);
    const tooMany = parseRepoConfig(`instructions: ${JSON.stringify([...entries, entries[0]])}\n`);
    expect(tooMany.config.instructions).toBe("");
    expect(tooMany.problems).toEqual([
      expect.stringMatching(/^instructions: .+ \(default used\)$/),
    ]);
  });
});
