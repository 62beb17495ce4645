import { Query, type Language, type Node } from "web-tree-sitter";
import type { SyntaxRules } from "./syntax-rules.ts";

export type ReferenceIndex = {
  /**
   * The distinct names referenced by nodes starting on rows `startRow..endRow` (0-based,
   * inclusive), in order of first use, without the names in `defined`, the language's ignored
   * builtins, and names shorter than two characters.
   */
  namesIn(startRow: number, endRow: number, defined: readonly string[]): string[];
};

/**
 * Finds every node a reference rule applies to with one tree-sitter query (matched inside WASM,
 * which measured faster than visiting every node from JavaScript) and remembers each referenced
 * name with its node's row, so each chunk's references are a range lookup, not another search.
 */
export function indexReferences(root: Node, rules: SyntaxRules): ReferenceIndex {
  const rows: number[] = [];
  const names: string[] = [];
  const query = referenceQuery(root.tree.language, rules);
  const captures = query.captures(root);
  captures.sort((left, right) => left.node.startIndex - right.node.startIndex);
  for (const { node } of captures) {
    const read = rules.references.get(node.type);
    if (read === undefined) continue;
    for (const name of read(node)) {
      rows.push(node.startPosition.row);
      names.push(name);
    }
  }
  return referenceIndex(rows, names, rules.ignoredReferences);
}

const queries = new WeakMap<Language, WeakMap<SyntaxRules, Query>>();

/** `[(call_expression) (type_identifier) ...] @reference`, compiled once per grammar. */
function referenceQuery(language: Language, rules: SyntaxRules): Query {
  let byRules = queries.get(language);
  if (byRules === undefined) {
    byRules = new WeakMap();
    queries.set(language, byRules);
  }
  let query = byRules.get(rules);
  if (query === undefined) {
    const patterns = [...rules.references.keys()].map((type) => `(${type})`).join(" ");
    query = new Query(language, `[${patterns}] @reference`);
    byRules.set(rules, query);
  }
  return query;
}

/** `rows` must be sorted (captures are sorted by start above). */
function referenceIndex(
  rows: readonly number[],
  names: readonly string[],
  ignored: ReadonlySet<string>,
): ReferenceIndex {
  return {
    namesIn(startRow, endRow, defined) {
      const skip = new Set(defined);
      const found = new Set<string>();
      for (let index = firstAtOrAfter(rows, startRow); index < rows.length; index++) {
        if (rows[index]! > endRow) break;
        const name = names[index]!;
        if (name.length < 2 || /\s/.test(name) || skip.has(name) || ignored.has(name)) continue;
        found.add(name);
      }
      return [...found];
    },
  };
}

function firstAtOrAfter(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}
