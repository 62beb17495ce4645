import { describe, expect, it } from "vitest";
import {
  findGuidelineFiles,
  MAX_GUIDELINE_FILES,
} from "../../src/repo-config/find-guideline-files.ts";

describe("findGuidelineFiles", () => {
  const tree = [
    "AGENTS.md",
    "CLAUDE.md",
    "README.md",
    "src/AGENTS.md",
    "src/api/AGENTS.md",
    "src/api/users/get.ts",
    "web/AGENTS.md",
    "docs/CLAUDE.md",
    ".github/copilot-instructions.md",
    ".github/instructions/api.instructions.md",
    ".github/instructions/notes.md",
    ".cursor/rules/style.mdc",
    ".cursor/rules/legacy.md",
    ".cursor/rules/image.png",
    ".cursorrules",
  ];

  it("lists the AGENTS.md and CLAUDE.md of the changed files' folders, deepest first, then the others", () => {
    expect(findGuidelineFiles(tree, ["src/api/users/get.ts"])).toEqual([
      { path: "src/api/AGENTS.md", kind: "agents" },
      { path: "src/AGENTS.md", kind: "agents" },
      { path: "AGENTS.md", kind: "agents" },
      { path: "CLAUDE.md", kind: "agents" },
      { path: ".github/instructions/api.instructions.md", kind: "copilot-scoped" },
      { path: ".cursor/rules/legacy.md", kind: "cursor-rule" },
      { path: ".cursor/rules/style.mdc", kind: "cursor-rule" },
      { path: ".github/copilot-instructions.md", kind: "general" },
      { path: ".cursorrules", kind: "general" },
    ]);
  });

  it("lists only files the tree has", () => {
    expect(findGuidelineFiles(["README.md", "src/a.ts"], ["src/a.ts"])).toEqual([]);
  });

  it("reads at most MAX_GUIDELINE_FILES", () => {
    const many = Array.from({ length: 50 }, (_, i) => `.cursor/rules/r${i}.mdc`);
    expect(findGuidelineFiles(many, ["a.ts"])).toHaveLength(MAX_GUIDELINE_FILES);
  });
});
