import { defuseRevueMarkers } from "./defuse-revue-markers.ts";
import { stripHiddenCharacters } from "./strip-hidden-characters.ts";

/**
 * `text` as a Markdown code span that nothing in it can end early: its fence is one backtick
 * longer than its longest run of backticks, padded with a space when it starts or ends with one,
 * on one line (line breaks become spaces), without hidden characters or copies of Revue's markers
 * (defuseRevueMarkers). For names Revue shows as
 * typed but did not choose (file paths): inside a code span, `@team`, `![image](url)` and HTML are
 * shown, not rendered. Pure.
 */
export function inlineCode(text: string): string {
  const line = defuseRevueMarkers(stripHiddenCharacters(text)).replace(/[\r\n]+/g, " ");
  const longest = Math.max(0, ...[...line.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = line.startsWith("`") || line.endsWith("`") ? " " : "";
  return `${fence}${pad}${line}${pad}${fence}`;
}
