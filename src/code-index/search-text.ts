import { tokenize } from "../embeddings/local-embedder.ts";

const IDENTIFIER = /[A-Za-z_$][A-Za-z0-9_$]*/g;

/**
 * The text full-text search indexes for a chunk (PostgreSQL's `simple` configuration, no stemming):
 * its path, every identifier whole and lower-cased (`getuserbyid`), and the words identifiers split
 * into (`get user by id`). So a query for an exact identifier and a query for its words both match.
 * Pure.
 */
export function searchText(path: string, content: string): string {
  const identifiers = new Set<string>();
  for (const match of content.matchAll(IDENTIFIER)) {
    if (match[0].length > 1) identifiers.add(match[0].toLowerCase().replace(/[_$]/g, ""));
  }
  const words = new Set(tokenize(`${path}\n${content}`));
  return [...identifiers, ...words].join(" ");
}

/**
 * A tsquery matching any of `names` as whole identifiers (lower-cased; characters tsquery treats
 * specially removed), or null when none is usable. Pure.
 */
export function identifierQuery(names: Iterable<string>): string | null {
  const terms = new Set<string>();
  for (const name of names) {
    const term = name.toLowerCase().replace(/[^a-z0-9]/g, "");
    if (term.length > 1) terms.add(term);
  }
  return terms.size === 0 ? null : [...terms].map((term) => `'${term}'`).join(" | ");
}
