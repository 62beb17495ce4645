import { z } from "zod";
import { severityOverrideSchema } from "./path-rules-schema.ts";
import { REPO_CONFIG_DESCRIPTIONS, repoConfigSchema } from "./repo-config.ts";

/** Where the published schema lives in this repository; `npm run schema:write` rewrites it. */
export const REPO_CONFIG_SCHEMA_PATH = "schema/revue.schema.json";

/**
 * The JSON Schema of `.github/revue.yml`, generated from the zod schema that parses it (the zod
 * schema stays the authority: refinements a JSON Schema cannot say are checked only there), with
 * every setting's description, for editors to complete and check the file. Deterministic. Pure.
 */
export function buildRepoConfigJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(repoConfigSchema, {
    io: "input",
    override: (context) => {
      // What the refinement checks, said so an editor can check it too.
      if (context.zodSchema === severityOverrideSchema) {
        context.jsonSchema.anyOf = [{ required: ["paths"] }, { required: ["category"] }];
      }
    },
  });
  const properties = generated.properties as Record<string, Record<string, unknown>>;
  for (const [key, description] of Object.entries(REPO_CONFIG_DESCRIPTIONS)) {
    properties[key] = { description, ...properties[key] };
  }
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: "Revue repository settings (.github/revue.yml)",
    description:
      "Settings Revue reads from .github/revue.yml on the pull request's base branch. Every setting is optional; an invalid one is reported on the check run and its default used.",
    ...rest,
  };
}
