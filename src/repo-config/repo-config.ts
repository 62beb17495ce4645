import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { matchGlob } from "./match-glob.ts";
import {
  pathInstructionSchema,
  SEVERITIES,
  severityOverrideSchema,
  type PathInstruction,
} from "./path-rules-schema.ts";

export { SEVERITIES, type Severity } from "./path-rules-schema.ts";

/** `.github/revue.yml`, read from the base branch. Every field is optional; defaults below. */
export const repoConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    ignore: z.array(z.string().min(1)).max(200).default([]),
    language: z.string().min(2).max(40).default("English"),
    tone: z.enum(["concise", "friendly", "strict"]).default("concise"),
    severity_threshold: z.enum(SEVERITIES).default("minor"),
    max_inline_comments: z.number().int().min(0).max(50).default(8),
    instructions: z
      .union([z.string().max(4000), z.array(pathInstructionSchema).max(20)])
      .default(""),
    review_drafts: z.boolean().default(false),
    review_bots: z.boolean().default(false),
    severity: z.array(severityOverrideSchema).max(50).default([]),
    guidelines_max_tokens: z.number().int().min(0).max(16000).default(4000),
    // The review's model, among those the operator allows (REVUE_ALLOWED_MODELS); never an endpoint.
    model: z.string().trim().min(1).max(200).nullable().default(null),
  })
  .strict();

export type RepoConfig = z.infer<typeof repoConfigSchema>;

export const DEFAULT_REPO_CONFIG: RepoConfig = repoConfigSchema.parse({});

/**
 * What each setting means, for the published JSON Schema (schema/revue.schema.json). Typed so a
 * new setting cannot ship without one.
 */
export const REPO_CONFIG_DESCRIPTIONS: Record<keyof z.input<typeof repoConfigSchema>, string> = {
  enabled: "Review pull requests in this repository (false turns Revue off here).",
  ignore: "Globs (gitignore style) of files never shown to the model.",
  language: "The language of the review's titles, explanations and summary.",
  tone: "How the review is written.",
  severity_threshold:
    "Findings below this severity are folded into one collapsed section of the summary.",
  max_inline_comments: "At most this many findings become inline comments; the rest are listed.",
  instructions:
    "Instructions to the reviewer: one text for every pull request, or a list of { paths, text } given only when the change touches a file matching paths.",
  review_drafts: "Review draft pull requests too.",
  review_bots: "Review pull requests opened by bots too.",
  severity:
    "Severity overrides, first match wins: findings on paths and/or of a category get level before ranking; level off drops them.",
  model:
    "The review's model, among those the operator allows (REVUE_ALLOWED_MODELS); a model not allowed is reported and the default used.",
  guidelines_max_tokens:
    "Token budget for the repository's guideline files read from the base branch (AGENTS.md, CLAUDE.md, .github/copilot-instructions.md, .github/instructions/*.instructions.md, .cursor/rules, .cursorrules); 0 reads none.",
};

/** List settings whose entries are checked one by one: a bad entry is dropped, the rest kept. */
const ENTRY_SCHEMAS = {
  instructions: pathInstructionSchema,
  severity: severityOverrideSchema,
} as const;

export type RepoConfigResult = { config: RepoConfig; problems: string[] };

/**
 * Parses the text of `.github/revue.yml`. Never throws: invalid YAML or fields are reported in
 * `problems` (shown on the check run) and the defaults are used for what was invalid.
 */
export function parseRepoConfig(text: string | null): RepoConfigResult {
  if (text === null || text.trim() === "") return { config: DEFAULT_REPO_CONFIG, problems: [] };
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    return {
      config: DEFAULT_REPO_CONFIG,
      problems: [`.github/revue.yml is not valid YAML: ${(error as Error).message.split("\n")[0]}`],
    };
  }
  if (raw === null || raw === undefined) return { config: DEFAULT_REPO_CONFIG, problems: [] };
  if (typeof raw !== "object" || Array.isArray(raw)) {
    return {
      config: DEFAULT_REPO_CONFIG,
      problems: [".github/revue.yml must be a mapping of settings"],
    };
  }
  const { settings, problems: entryProblems } = dropInvalidEntries(raw as Record<string, unknown>);
  const parsed = repoConfigSchema.safeParse(settings);
  if (parsed.success) return { config: parsed.data, problems: entryProblems };

  // Keep the valid fields; drop each invalid one back to its default.
  const problems = [
    ...entryProblems,
    ...parsed.error.issues.map((issue) =>
      issue.code === "unrecognized_keys"
        ? `unknown setting${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")} (ignored)`
        : `${issue.path.join(".") || "(root)"}: ${issue.message} (default used)`,
    ),
  ];
  const bad = new Set(parsed.error.issues.map((issue) => String(issue.path[0])));
  const badKeys = new Set(
    parsed.error.issues.flatMap((issue) => (issue.code === "unrecognized_keys" ? issue.keys : [])),
  );
  const kept = Object.fromEntries(
    Object.entries(settings).filter(([key]) => !bad.has(key) && !badKeys.has(key)),
  );
  const retry = repoConfigSchema.safeParse(kept);
  return { config: retry.success ? retry.data : DEFAULT_REPO_CONFIG, problems };
}

/**
 * Drops the invalid entries of the list settings in ENTRY_SCHEMAS (one bad path instruction must
 * not cost the others), each named in a problem. Other values are left to the whole schema.
 */
function dropInvalidEntries(raw: Record<string, unknown>): {
  settings: Record<string, unknown>;
  problems: string[];
} {
  const settings = { ...raw };
  const problems: string[] = [];
  for (const [key, schema] of Object.entries(ENTRY_SCHEMAS)) {
    const value = raw[key];
    if (!Array.isArray(value)) continue;
    settings[key] = value.filter((entry: unknown, index) => {
      const parsed = schema.safeParse(entry);
      for (const issue of parsed.error?.issues ?? []) {
        const where = [`${key}[${index}]`, ...issue.path.map(String)].join(".");
        problems.push(`${where}: ${issue.message} (entry ignored)`);
      }
      return parsed.success;
    });
  }
  return { settings, problems };
}

/**
 * The instructions that apply to a change touching `changedPaths`: the single text always, a
 * path instruction when one of its globs matches a changed file. Pure.
 */
export function selectInstructions(
  instructions: RepoConfig["instructions"],
  changedPaths: readonly string[],
): PathInstruction[] {
  if (typeof instructions === "string") {
    return instructions.trim() ? [{ paths: [], text: instructions.trim() }] : [];
  }
  return instructions.filter((instruction) =>
    instruction.paths.some((pattern) => changedPaths.some((path) => matchGlob(pattern, path))),
  );
}
