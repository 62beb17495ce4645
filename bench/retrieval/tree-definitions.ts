/** A definition the changed code uses: its `path#name` key and where it is declared (1-based line). */
export type DefinitionUse = { key: string; path: string; line: number };

/** What a language's ground truth reports about one tree. */
export type TreeDefinitions = {
  /** Every definition of the tree: `path#name` -> the 1-based lines declaring it. */
  declared: Map<string, number[]>;
  /** Per file asked for, per 1-based line: the tree's definitions the line's names resolve to. */
  uses: Map<string, Map<number, DefinitionUse[]>>;
};
