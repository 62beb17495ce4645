import { parse as parseYaml } from "yaml";
import { z } from "zod";

export const SEVERITIES = ["critical", "major", "minor", "nit"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** `.github/revue.yml`, read from the base branch. Every field is optional; defaults below. */
export const repoConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    ignore: z.array(z.string().min(1)).max(200).default([]),
    language: z.string().min(2).max(40).default("English"),
    tone: z.enum(["concise", "friendly", "strict"]).default("concise"),
    severity_threshold: z.enum(SEVERITIES).default("minor"),
    max_inline_comments: z.number().int().min(0).max(50).default(8),
    instructions: z.string().max(4000).default(""),
    review_drafts: z.boolean().default(false),
    review_bots: z.boolean().default(false),
    // The review's model, among those the operator allows (REVUE_ALLOWED_MODELS); never an endpoint.
    model: z.string().trim().min(1).max(200).nullable().default(null),
  })
  .strict();

export type RepoConfig = z.infer<typeof repoConfigSchema>;

export const DEFAULT_REPO_CONFIG: RepoConfig = repoConfigSchema.parse({});

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
  const parsed = repoConfigSchema.safeParse(raw);
  if (parsed.success) return { config: parsed.data, problems: [] };

  // Keep the valid fields; drop each invalid one back to its default.
  const problems = parsed.error.issues.map((issue) =>
    issue.code === "unrecognized_keys"
      ? `unknown setting${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")} (ignored)`
      : `${issue.path.join(".") || "(root)"}: ${issue.message} (default used)`,
  );
  const bad = new Set(parsed.error.issues.map((issue) => String(issue.path[0])));
  const badKeys = new Set(
    parsed.error.issues.flatMap((issue) => (issue.code === "unrecognized_keys" ? issue.keys : [])),
  );
  const kept = Object.fromEntries(
    Object.entries(raw as Record<string, unknown>).filter(
      ([key]) => !bad.has(key) && !badKeys.has(key),
    ),
  );
  const retry = repoConfigSchema.safeParse(kept);
  return { config: retry.success ? retry.data : DEFAULT_REPO_CONFIG, problems };
}
