import { parse as parseYaml } from "yaml";
import { estimateTokens } from "../model/estimate-tokens.ts";
import type { GuidelineCandidate } from "./find-guideline-files.ts";
import { matchGlob } from "./match-glob.ts";

/** A guideline file given to the model: its text (front matter removed), and when it applies. */
export type GuidelineFile = {
  path: string;
  /** The globs that made it apply (`applyTo`, `globs`), or null for a file that always applies. */
  scope: string | null;
  text: string;
  truncated: boolean;
};

export type Guidelines = {
  files: GuidelineFile[];
  /** Files that applied but did not fit the budget, nearest first. */
  omitted: string[];
  maxTokens: number;
};

export const NO_GUIDELINES: Guidelines = { files: [], omitted: [], maxTokens: 0 };

/** Below this, a truncated piece says too little to be worth its place. */
const MIN_PIECE_TOKENS = 50;

/**
 * Which of the read guideline files apply to a change touching `changedPaths`, and what of them
 * fits `maxTokens`: a `.github/instructions` file when its `applyTo` globs match a changed file
 * (none: it is not applied automatically, as in the editors), a `.cursor/rules` file when
 * `alwaysApply` is true or its `globs` match (neither: a rule the agent picks, never applied here),
 * the others always. Nearest to the change first (`read` is in that order, see
 * findGuidelineFiles), except that files scoped by globs come before the repository-wide ones;
 * the file that crosses the budget is truncated with a note and the rest are omitted. Pure.
 */
export function selectGuidelines(
  read: readonly (GuidelineCandidate & { text: string })[],
  changedPaths: readonly string[],
  maxTokens: number,
): Guidelines {
  const applying: { path: string; scope: string | null; text: string; rank: number }[] = [];
  for (const file of read) {
    const { data, body } = splitFrontMatter(file.text);
    const text = body.trim();
    // CLAUDE.md is often a copy of AGENTS.md: the same text once is enough.
    if (!text || applying.some((earlier) => earlier.text === text)) continue;
    if (file.kind === "agents" || file.kind === "general") {
      const nested = file.kind === "agents" && file.path.includes("/");
      applying.push({ path: file.path, scope: null, text, rank: nested ? 0 : 2 });
      continue;
    }
    const globs = globsOf(file.kind === "copilot-scoped" ? data.applyTo : data.globs);
    if (file.kind === "cursor-rule" && data.alwaysApply === true) {
      applying.push({ path: file.path, scope: null, text, rank: 2 });
    } else if (globs.some((glob) => changedPaths.some((path) => matchGlob(glob, path)))) {
      applying.push({ path: file.path, scope: globs.join(", "), text, rank: 1 });
    }
  }
  const ordered = applying
    .map((file, index) => ({ file, index }))
    .sort((a, b) => a.file.rank - b.file.rank || a.index - b.index)
    .map(({ file }) => file);

  const files: GuidelineFile[] = [];
  const omitted: string[] = [];
  let left = maxTokens;
  for (const file of ordered) {
    const tokens = estimateTokens(file.text);
    if (tokens <= left) {
      files.push({ path: file.path, scope: file.scope, text: file.text, truncated: false });
      left -= tokens;
    } else if (left >= MIN_PIECE_TOKENS) {
      // estimateTokens counts 3.5 characters a token; the note takes its own share.
      const note = `\n[... truncated: the rest of ${file.path} is over the guideline budget]`;
      const keep = Math.max(0, Math.floor(left * 3.5) - note.length);
      files.push({
        path: file.path,
        scope: file.scope,
        text: `${file.text.slice(0, keep)}${note}`,
        truncated: true,
      });
      left = 0;
    } else {
      omitted.push(file.path);
    }
  }
  return { files, omitted, maxTokens };
}

/** A Markdown file's YAML front matter (`---` lines at the top) and the text after it. */
function splitFrontMatter(text: string): { data: Record<string, unknown>; body: string } {
  const match = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!match) return { data: {}, body: text };
  let data: unknown;
  try {
    data = parseYaml(match[1]!);
  } catch {
    // Cursor writes `globs: *.ts` unquoted, which YAML reads as an alias: read it line by line.
    data = Object.fromEntries(
      match[1]!
        .split(/\r?\n/)
        .map((line) => /^(\w+):\s*(.*)$/.exec(line))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => [m[1], m[2] === "true" ? true : m[2] === "false" ? false : m[2]]),
    );
  }
  const record = data && typeof data === "object" && !Array.isArray(data) ? data : {};
  return { data: record as Record<string, unknown>, body: text.slice(match[0].length) };
}

/** `applyTo: "src/**, *.ts"` or `globs: ["src/**"]` as a list of globs. */
function globsOf(value: unknown): string[] {
  const list = Array.isArray(value) ? value : typeof value === "string" ? value.split(",") : [];
  return list
    .filter((glob): glob is string => typeof glob === "string")
    .map((glob) => glob.trim().replace(/^["']|["']$/g, ""))
    .filter(Boolean);
}
