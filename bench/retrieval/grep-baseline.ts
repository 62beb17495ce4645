/**
 * The naive baseline: grep the identifiers of the change's added lines over the tree and take the
 * units (files, or the index's chunks) with the most hits first. An identifier is a run of
 * `[A-Za-z_$][A-Za-z0-9_$]*` of two or more characters that is not a JavaScript, TypeScript or
 * Python keyword; a unit's score is the number of whole-word occurrences of those identifiers in
 * it (each identifier counted once per occurrence). Units without a hit are not ranked; ties keep
 * the tree's order (path, then line).
 */
const IDENTIFIER = /[A-Za-z_$][A-Za-z0-9_$]*/g;

const KEYWORDS = new Set(
  (
    "abstract as async await break case catch class const constructor continue debugger declare default delete do else enum export extends false finally for from function get if implements import in instanceof interface is keyof let module namespace new null of private protected public readonly require return set static super switch this throw true try type typeof undefined unique var void while with yield " +
    "and assert def del elif except global lambda nonlocal not or pass raise None True False self cls print"
  ).split(" "),
);

/** The distinct identifiers of `lines`, keywords and one-letter names left out. */
export function diffIdentifiers(lines: string[]): string[] {
  const out = new Set<string>();
  for (const line of lines)
    for (const [word] of line.matchAll(IDENTIFIER))
      if (word.length > 1 && !KEYWORDS.has(word)) out.add(word);
  return [...out];
}

/** Word counts of a text, computed once per unit so a hunk's ranking is a sum of look-ups. */
export function countWords(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [word] of text.matchAll(IDENTIFIER)) counts.set(word, (counts.get(word) ?? 0) + 1);
  return counts;
}

/** `units` with at least one hit, most hits first (stable). */
export function rankByHits<T extends { words: Map<string, number> }>(
  units: T[],
  identifiers: string[],
): T[] {
  return units
    .map((unit, order) => ({
      unit,
      order,
      hits: identifiers.reduce((sum, word) => sum + (unit.words.get(word) ?? 0), 0),
    }))
    .filter(({ hits }) => hits > 0)
    .sort((a, b) => b.hits - a.hits || a.order - b.order)
    .map(({ unit }) => unit);
}
