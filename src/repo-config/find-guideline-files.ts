/** Where a guideline file sits, which decides when it applies and how near the change it is. */
export type GuidelineKind =
  /** AGENTS.md or CLAUDE.md in the root or in a folder holding a changed file. */
  | "agents"
  /** .github/copilot-instructions.md or the legacy .cursorrules: always applies. */
  | "general"
  /** .github/instructions/*.instructions.md: applies when its `applyTo` globs match. */
  | "copilot-scoped"
  /** .cursor/rules/*.mdc or .md: applies when `alwaysApply` or its `globs` match. */
  | "cursor-rule";

export type GuidelineCandidate = { path: string; kind: GuidelineKind };

/** More guideline files than anyone writes on purpose: the rest are not read. */
export const MAX_GUIDELINE_FILES = 30;

/**
 * The guideline files worth reading, among the base commit's `treePaths`: AGENTS.md and CLAUDE.md
 * in the root and in every folder above a changed file (deepest first), the scoped instruction and
 * rule files, then the general ones. At most MAX_GUIDELINE_FILES. Pure.
 */
export function findGuidelineFiles(
  treePaths: readonly string[],
  changedPaths: readonly string[],
): GuidelineCandidate[] {
  const present = new Set(treePaths);
  const folders = new Set<string>([""]);
  for (const path of changedPaths) {
    const parts = path.split("/").slice(0, -1);
    for (let depth = 1; depth <= parts.length; depth += 1) {
      folders.add(parts.slice(0, depth).join("/"));
    }
  }
  const byDepth = [...folders].sort((a, b) => depthOf(b) - depthOf(a) || a.localeCompare(b));
  const agents = byDepth.flatMap((folder) =>
    ["AGENTS.md", "CLAUDE.md"]
      .map((name) => (folder ? `${folder}/${name}` : name))
      .filter((path) => present.has(path))
      .map((path): GuidelineCandidate => ({ path, kind: "agents" })),
  );
  const sorted = [...treePaths].sort();
  const scoped = sorted
    .filter((path) => /^\.github\/instructions\/.+\.instructions\.md$/.test(path))
    .map((path): GuidelineCandidate => ({ path, kind: "copilot-scoped" }));
  const cursor = sorted
    .filter((path) => /^\.cursor\/rules\/.+\.mdc?$/.test(path))
    .map((path): GuidelineCandidate => ({ path, kind: "cursor-rule" }));
  const general = [".github/copilot-instructions.md", ".cursorrules"]
    .filter((path) => present.has(path))
    .map((path): GuidelineCandidate => ({ path, kind: "general" }));
  return [...agents, ...scoped, ...cursor, ...general].slice(0, MAX_GUIDELINE_FILES);
}

function depthOf(folder: string): number {
  return folder === "" ? 0 : folder.split("/").length;
}
