import { describe, it, expect } from "vitest";
import {
  DEFAULT_REPO_CONFIG,
  parseRepoConfig,
  repoConfigSchema,
} from "../../src/repo-config/repo-config.ts";

describe("parseRepoConfig", () => {
  it("has the documented defaults", () => {
    expect(DEFAULT_REPO_CONFIG).toEqual({
      enabled: true,
      ignore: [],
      language: "English",
      tone: "concise",
      severity_threshold: "minor",
      max_inline_comments: 8,
      instructions: "",
      review_drafts: false,
      review_bots: false,
      severity: [],
      guidelines_max_tokens: 4000,
      model: null,
    });
  });

  it("uses the defaults, without a problem, for no file, an empty one or only comments", () => {
    for (const text of [null, "", "  \n\t\n", "# nothing set yet\n", "---\n"]) {
      expect(parseRepoConfig(text), JSON.stringify(text)).toEqual({
        config: DEFAULT_REPO_CONFIG,
        problems: [],
      });
    }
  });

  it("reads every setting", () => {
    const text = [
      "enabled: false",
      "ignore:",
      '  - "docs/**"',
      "  - '*.snap'",
      "language: Français",
      "tone: strict",
      "severity_threshold: nit",
      "max_inline_comments: 0",
      "instructions: |",
      "  Prefer early returns.",
      "  No console.log.",
      "review_drafts: true",
      "review_bots: true",
      "model: claude-haiku-4-5",
    ].join("\n");
    expect(parseRepoConfig(text)).toEqual({
      config: {
        enabled: false,
        ignore: ["docs/**", "*.snap"],
        language: "Français",
        tone: "strict",
        severity_threshold: "nit",
        max_inline_comments: 0,
        instructions: "Prefer early returns.\nNo console.log.\n",
        review_drafts: true,
        review_bots: true,
        severity: [],
        guidelines_max_tokens: 4000,
        model: "claude-haiku-4-5",
      },
      problems: [],
    });
  });

  it("fills the settings a file leaves out with their defaults", () => {
    expect(parseRepoConfig("tone: friendly\nmax_inline_comments: 50\n")).toEqual({
      config: { ...DEFAULT_REPO_CONFIG, tone: "friendly", max_inline_comments: 50 },
      problems: [],
    });
  });

  it("reports YAML that does not parse, by its first line, and uses the defaults", () => {
    const { config, problems } = parseRepoConfig("tone: [strict\nenabled: false\n");
    expect(config).toEqual(DEFAULT_REPO_CONFIG);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^\.github\/revue\.yml is not valid YAML: \S/);
    expect(problems[0]).not.toContain("\n");
  });

  it("reports a file that is not a mapping of settings", () => {
    for (const text of ["- tone: strict\n", "true\n", "just some words\n", "42\n"]) {
      expect(parseRepoConfig(text), text).toEqual({
        config: DEFAULT_REPO_CONFIG,
        problems: [".github/revue.yml must be a mapping of settings"],
      });
    }
  });

  it("drops an invalid setting back to its default, names it, and keeps the valid ones", () => {
    const { config, problems } = parseRepoConfig(
      "tone: loud\nmax_inline_comments: 51\nlanguage: Deutsch\nreview_bots: true\n",
    );
    expect(config).toEqual({ ...DEFAULT_REPO_CONFIG, language: "Deutsch", review_bots: true });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^tone: .+ \(default used\)$/);
    expect(problems[1]).toMatch(/^max_inline_comments: .+ \(default used\)$/);
  });

  it("rejects values outside each setting's limits", () => {
    const invalid: [string, string][] = [
      ["enabled", '"yes"'],
      ["ignore", '"docs/**"'],
      ["ignore", '["docs/**", ""]'],
      ["ignore", JSON.stringify(Array.from({ length: 201 }, (_, i) => `p${i}`))],
      ["language", "E"],
      ["language", "x".repeat(41)],
      ["tone", "rude"],
      ["severity_threshold", "blocker"],
      ["max_inline_comments", "-1"],
      ["max_inline_comments", "2.5"],
      ["max_inline_comments", "51"],
      ["instructions", "x".repeat(4001)],
      ["review_drafts", "1"],
    ];
    for (const [key, value] of invalid) {
      const { config, problems } = parseRepoConfig(`${key}: ${value}\n`);
      expect(config, `${key}: ${value}`).toEqual(DEFAULT_REPO_CONFIG);
      expect(problems, `${key}: ${value}`).toHaveLength(1);
      expect(problems[0]!.startsWith(`${key}`)).toBe(true);
    }
  });

  it("accepts values at each setting's limits", () => {
    const text = [
      `ignore: ${JSON.stringify(Array.from({ length: 200 }, (_, i) => `p${i}`))}`,
      "language: EN",
      `instructions: ${"x".repeat(4000)}`,
      "max_inline_comments: 50",
    ].join("\n");
    const { config, problems } = parseRepoConfig(text);
    expect(problems).toEqual([]);
    expect(config.ignore).toHaveLength(200);
    expect(config.language).toBe("EN");
    expect(config.instructions).toHaveLength(4000);
    expect(config.max_inline_comments).toBe(50);
  });

  it("ignores unknown settings, naming them, and keeps the known ones", () => {
    expect(parseRepoConfig("tone: strict\nauto_approve: true\n")).toEqual({
      config: { ...DEFAULT_REPO_CONFIG, tone: "strict" },
      problems: ["unknown setting auto_approve (ignored)"],
    });
    expect(parseRepoConfig("colour: red\nsize: 3\nenabled: false\n")).toEqual({
      config: { ...DEFAULT_REPO_CONFIG, enabled: false },
      problems: ["unknown settings colour, size (ignored)"],
    });
  });

  it("always returns a config the schema accepts", () => {
    for (const text of [
      "tone: loud\nextra: 1\nignore: [1, 2]\n",
      "max_inline_comments: null\nlanguage: ~\n",
      "enabled: false\nenabled_extra: {a: 1}\n",
    ]) {
      const { config, problems } = parseRepoConfig(text);
      expect(repoConfigSchema.safeParse(config).success, text).toBe(true);
      expect(problems.length, text).toBeGreaterThan(0);
    }
  });
});
