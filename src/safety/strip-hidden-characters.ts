/**
 * Characters a reader does not see but a model reads: every Unicode format character (`Cf`:
 * zero-width spaces and joiners, bidi embeddings, overrides and isolates as in "Trojan Source",
 * invisible operators, the byte-order mark, interlinear annotations, the tag characters that carry
 * hidden ASCII in "ASCII smuggling"), variation selectors (which can carry hidden bytes too),
 * invisible fillers and the combining grapheme joiner, and control characters other than tab,
 * line feed and carriage return. One source of truth for src/safety, which strips or reveals them.
 */
export const HIDDEN_CHARACTERS =
  // eslint-disable-next-line no-control-regex, no-misleading-character-class -- matching these is the point
  /[\p{Cf}\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u034F\u115F\u1160\u17B4\u17B5\u180B-\u180F\u3164\uFE00-\uFE0F\uFFA0\u{E0100}-\u{E01EF}]/gu;

/** Unicode's line and paragraph separators: line breaks to some readers, not to others. */
const LINE_SEPARATORS = /[\u2028\u2029]/g;

/**
 * Removes HIDDEN_CHARACTERS from prose and turns U+2028/U+2029 into plain line breaks, so what a
 * model reads is what a person reviewing the same text sees. Pure; never throws.
 */
export function stripHiddenCharacters(text: string): string {
  return text.replace(HIDDEN_CHARACTERS, "").replace(LINE_SEPARATORS, "\n");
}
