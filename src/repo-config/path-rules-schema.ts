import { z } from "zod";

export const SEVERITIES = ["critical", "major", "minor", "nit"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The categories the model files a finding under (src/review/review-output.ts uses this list). */
export const FINDING_CATEGORIES = [
  "bug",
  "security",
  "performance",
  "correctness",
  "concurrency",
  "error-handling",
  "maintainability",
  "test",
  "docs",
  "style",
] as const;
export type FindingCategory = (typeof FINDING_CATEGORIES)[number];

const globsSchema = z
  .array(z.string().min(1).max(200))
  .min(1)
  .max(20)
  .describe(
    'Globs, gitignore style ("src/api/**", "*.sql"): `*` within a folder, `**` across folders, a pattern without "/" matches the file name at any depth.',
  );

/** One entry of the list form of `instructions`: given to the model when the change touches `paths`. */
export const pathInstructionSchema = z
  .object({
    paths: globsSchema,
    text: z
      .string()
      .min(1)
      .max(2000)
      .describe("What reviewers of these files should know or check, in plain words."),
  })
  .strict()
  .describe("Instructions for the files matching `paths`, given only when the change touches one.");
export type PathInstruction = z.infer<typeof pathInstructionSchema>;

/** One severity override: findings on `paths` and/or of `category` get `level` ("off" drops them). */
export const severityOverrideSchema = z
  .object({
    paths: globsSchema.optional(),
    category: z
      .enum(FINDING_CATEGORIES)
      .optional()
      .describe("The finding's category; with `paths`, both must match."),
    level: z
      .enum([...SEVERITIES, "off"])
      .describe('The severity such findings get before ranking; "off" drops them.'),
  })
  .strict()
  .refine((override) => override.paths !== undefined || override.category !== undefined, {
    message: "give paths, category or both (severity_threshold sets a floor for every finding)",
  })
  .describe("A severity override for findings on `paths`, of `category`, or both.");
export type SeverityOverride = z.infer<typeof severityOverrideSchema>;
