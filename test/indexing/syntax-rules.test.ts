import { describe, expect, it } from "vitest";
import { loadParser } from "../../src/indexing/load-parser.ts";
import { syntaxRules } from "../../src/indexing/syntax-rules.ts";

describe("syntaxRules", () => {
  // A misspelt node type would never match and silently disable its rule: check each one against
  // the grammar that is actually installed.
  for (const [language, rules] of Object.entries(syntaxRules)) {
    it(`${language}: names only node types and fields of the ${rules.grammar} grammar`, async () => {
      const grammar = (await loadParser(rules.grammar)).language!;
      const nodeTypes = [
        ...rules.definitions.keys(),
        ...rules.wrappers,
        ...rules.containers,
        ...rules.trivia,
        ...rules.references.keys(),
      ];
      expect(nodeTypes.filter((type) => grammar.idForNodeType(type, true) === null)).toEqual([]);
      const bodyFields = [...rules.definitions.values()].map((rule) => rule.body ?? "body");
      expect(bodyFields.filter((field) => grammar.fieldIdForName(field) === null)).toEqual([]);
      expect(rules.definitions.size).toBeGreaterThan(1);
      expect(rules.references.size).toBeGreaterThan(1);
    });
  }

  it("never resolves a node type through Object.prototype", () => {
    for (const rules of Object.values(syntaxRules)) {
      expect(rules.definitions.get("constructor")).toBeUndefined();
      expect(rules.references.get("toString")).toBeUndefined();
    }
  });
});
