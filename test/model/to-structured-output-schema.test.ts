import { describe, expect, it } from "vitest";
import { z } from "zod";
import { toStructuredOutputSchema } from "../../src/model/to-structured-output-schema.ts";

const jsonSchemaOf = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { target: "draft-2020-12", io: "output" });

describe("toStructuredOutputSchema", () => {
  it("closes objects, drops $schema and restates bounds in the description", () => {
    const schema = z.object({
      title: z.string().min(1).max(80).describe("One line."),
      count: z.number().int().min(1),
      tags: z.array(z.string()).max(3),
    });

    expect(toStructuredOutputSchema(jsonSchemaOf(schema))).toEqual({
      type: "object",
      properties: {
        title: { type: "string", description: "One line. {minLength: 1, maxLength: 80}" },
        count: { type: "integer", description: "{minimum: 1}" },
        tags: { type: "array", items: { type: "string" }, description: "{maxItems: 3}" },
      },
      required: ["title", "count", "tags"],
      additionalProperties: false,
    });
  });

  it("drops the safe-integer bounds zod writes for .int() without restating them", () => {
    const converted = toStructuredOutputSchema(jsonSchemaOf(z.object({ n: z.number().int() })));

    expect(converted.properties).toEqual({ n: { type: "integer" } });
  });

  it("rewrites objects inside arrays and unions too", () => {
    const schema = z.object({
      items: z.array(z.object({ at: z.number().int().min(0).nullable() })),
    });

    const text = JSON.stringify(toStructuredOutputSchema(jsonSchemaOf(schema)));

    expect(text).not.toContain('"minimum"');
    expect(text.match(/"additionalProperties":false/g)).toHaveLength(2);
  });

  it("refuses an optional property, naming its path and the fix", () => {
    const schema = z.object({ outer: z.object({ note: z.string().optional() }) });

    expect(() => toStructuredOutputSchema(jsonSchemaOf(schema))).toThrow(
      /^\$\.outer: properties note are optional; .*\.nullable\(\)/,
    );
  });
});
