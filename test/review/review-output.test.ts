import { describe, expect, it } from "vitest";
import { modelReviewJsonSchema } from "../../src/review/review-output.ts";

describe("modelReviewJsonSchema", () => {
  type Node = { [key: string]: unknown };
  function objectNodes(node: unknown, found: Node[] = []): Node[] {
    if (Array.isArray(node)) node.forEach((child) => objectNodes(child, found));
    else if (typeof node === "object" && node !== null) {
      if ((node as Node).type === "object") found.push(node as Node);
      Object.values(node).forEach((child) => objectNodes(child, found));
    }
    return found;
  }

  it("closes every object and requires every property, as structured outputs demand", () => {
    const objects = objectNodes(modelReviewJsonSchema);
    expect(objects.length).toBe(4);
    for (const object of objects) {
      expect(object.additionalProperties).toBe(false);
      expect(object.required).toEqual(Object.keys(object.properties as Node));
    }
  });

  it("leaves out keywords the API rejects", () => {
    const text = JSON.stringify(modelReviewJsonSchema);
    for (const keyword of [
      "$schema",
      "minimum",
      "maximum",
      "minLength",
      "maxLength",
      "multipleOf",
    ]) {
      expect(text).not.toContain(`"${keyword}"`);
    }
  });
});
