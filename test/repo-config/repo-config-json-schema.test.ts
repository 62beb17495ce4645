import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  buildRepoConfigJsonSchema,
  REPO_CONFIG_SCHEMA_PATH,
} from "../../src/repo-config/repo-config-json-schema.ts";
import { repoConfigSchema } from "../../src/repo-config/repo-config.ts";

describe("schema/revue.schema.json", () => {
  it("is the zod schema of .github/revue.yml as published (else run `npm run schema:write`)", () => {
    const shipped = JSON.parse(readFileSync(REPO_CONFIG_SCHEMA_PATH, "utf8")) as unknown;
    expect(
      shipped,
      `${REPO_CONFIG_SCHEMA_PATH} differs from src/repo-config/repo-config.ts: run \`npm run schema:write\` and commit the file`,
    ).toEqual(buildRepoConfigJsonSchema());
  });

  it("describes every setting, and lists every setting the zod schema has", () => {
    const { properties, additionalProperties } = buildRepoConfigJsonSchema() as {
      properties: Record<string, { description?: string }>;
      additionalProperties: boolean;
    };
    expect(Object.keys(properties).sort()).toEqual(Object.keys(repoConfigSchema.shape).sort());
    for (const [key, property] of Object.entries(properties)) {
      expect(property.description, key).toMatch(/\S/);
    }
    expect(additionalProperties).toBe(false);
  });

  it("says what the severity overrides' refinement checks: paths or category", () => {
    const { properties } = buildRepoConfigJsonSchema() as {
      properties: { severity: { items: { anyOf: unknown } } };
    };
    expect(properties.severity.items.anyOf).toEqual([
      { required: ["paths"] },
      { required: ["category"] },
    ]);
  });
});
