/**
 * How anchoring compares the code a model quoted with the lines of a diff: whitespace folded,
 * Markdown fences and prompt labels (`R12 + `) removed, and partial matches only on token boundaries.
 * Pure text functions, used by anchor-findings.ts.
 */

/**
 * "exact" when every line equals the quote's; "partial" when the quote is a cut of the window's
 * text (its first line the end of the first line, its last line the start of the last, the lines
 * between equal; a one-line quote anywhere in its line) whose ends fall on token boundaries, so
 * `x = 1` is not found in `max = 10`; otherwise null. Both arrays are normalised and equally long.
 */
export function windowMatch(window: string[], quote: string[]): "exact" | "partial" | null {
  if (window.every((text, i) => text === quote[i])) return "exact";
  return occursAtTokenBoundaries(window.join("\n"), quote.join("\n")) ? "partial" : null;
}

const wordCharacter = /[\p{L}\p{N}_$]/u;

function occursAtTokenBoundaries(haystack: string, needle: string): boolean {
  if (needle.trim() === "") return false;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) {
    const end = at + needle.length;
    const cutsBefore =
      at > 0 && wordCharacter.test(needle.charAt(0)) && wordCharacter.test(haystack.charAt(at - 1));
    const cutsAfter =
      end < haystack.length &&
      wordCharacter.test(needle.charAt(needle.length - 1)) &&
      wordCharacter.test(haystack.charAt(end));
    if (!cutsBefore && !cutsAfter) return true;
  }
  return false;
}

const fence = /^\s*(```|~~~)/;
const promptLabel = /^\s*[RL]\d+(?:\s+[+-](?=\s|$)|(?=\s|$))/;

/**
 * The quote's normalised lines, without surrounding blank lines or Markdown fence; [] when nothing
 * is left. When every line starts with a prompt label (`R12 + `, `L7 - `, `R12 `), a second variant
 * without them follows, tried only if the quote as written is found nowhere: `L1 = 0` may be code.
 */
export function quoteVariants(quotedCode: string): string[][] {
  let lines = trimBlankEnds(quotedCode.split(/\r\n|\r|\n/));
  if (lines.length >= 2 && fence.test(lines[0]!) && fence.test(lines[lines.length - 1]!)) {
    lines = trimBlankEnds(lines.slice(1, -1));
  }
  if (lines.length === 0) return [];
  const asWritten = lines.map(normalise);
  if (!lines.every((line) => line.trim() === "" || promptLabel.test(line))) return [asWritten];
  const unlabelled = trimBlankEnds(lines.map((line) => line.replace(promptLabel, "")));
  return unlabelled.length === 0 ? [asWritten] : [asWritten, unlabelled.map(normalise)];
}

function trimBlankEnds(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start]!.trim() === "") start += 1;
  while (end > start && lines[end - 1]!.trim() === "") end -= 1;
  return lines.slice(start, end);
}

export function normalise(text: string): string {
  return text.normalize("NFC").replace(/\s+/gu, " ").trim();
}
