import type { FileDiff } from "../diff/format-diff.ts";
import type { DiffLine, Hunk } from "../diff/parse-patch.ts";
import { normalise, quoteVariants, windowMatch } from "./match-quote.ts";

/** GitHub's side of a split diff: LEFT is the old file (deleted lines), RIGHT the new file. */
export type Side = "LEFT" | "RIGHT";

/**
 * What anchoring needs from a finding. `line` is the (last) line the finding is about on `side`;
 * `startLine` the first line of a multi-line range on the same side, or null. `quotedCode` is the
 * code the finding is about, as the model quoted it; `replacement` the code offered instead of
 * lines startLine..line, or null.
 */
export type Anchorable = {
  path: string;
  side: Side;
  line: number;
  startLine: number | null;
  quotedCode: string;
  replacement: string | null;
};

/**
 * A finding placed where GitHub's review comments API accepts it. `moved` is true when the
 * claimed place did not hold the quoted code and the finding was moved to where the quote is.
 * `suggestionAllowed` is true when a ```suggestion block may be posted: there is a replacement
 * and every line of the range is a new-file (RIGHT) line of one hunk.
 */
export type Anchored<T> = T & {
  side: Side;
  line: number;
  startLine: number | null;
  moved: boolean;
  suggestionAllowed: boolean;
};

/** A finding that no line of the diff can hold; it belongs in the review summary. */
export type Unanchored<T> = T & { reason: string };

/**
 * Puts every finding on a line GitHub will accept for a review comment, or sets it aside with the
 * reason. GitHub accepts a comment on side RIGHT only on a line of the new file that appears in a
 * hunk (added or context), on side LEFT only on an old-file line in a hunk (deleted or context);
 * a multi-line comment's start line must be on the same side, strictly before `line` ("start line
 * must precede the end line") and in the same hunk ("start line must be part of the same hunk as
 * the line"). One bad comment makes GitHub reject the whole review (422), hence this check.
 *
 * For each finding, in order:
 * 1. Its file is looked up by `path` (or by a renamed file's previous path, in which case the
 *    anchored finding gets the current path, which is what GitHub wants). Absent: unanchored,
 *    "file not in the diff".
 * 2. The claimed place is `line` on `side` if that line is in a hunk, with `startLine` kept only if
 *    it obeys the rules above (otherwise the comment becomes single-line).
 * 3. With an empty quote, the claimed place is kept if there is one, else the finding is unanchored.
 * 4. If the claimed range contains the quote, it is kept (`moved: false`).
 * 5. Otherwise the quote is searched for in the file's diff: consecutive lines of one side of one
 *    hunk. Whole-line matches win over matches where the quote's first line is only the end of a
 *    diff line, its last line only the start of one (or, for a one-line quote, any part of a line,
 *    cut at token boundaries). Then the claimed side wins, then the match nearest the claimed line,
 *    then the earlier one. The finding moves there (`moved: true`), spanning the quote's lines.
 * 6. Not found: unanchored, "quoted code not found in the diff".
 *
 * Quotes and diff lines are compared with whitespace normalised: each line trimmed, runs of
 * whitespace (tabs included) collapsed to one space, CRLF/CR read as line breaks, unicode in NFC.
 * Blank lines around the quote, a Markdown code fence around it, and `R12 + `/`L7 - ` labels copied
 * from the prompt (see formatFileDiff) on every line are ignored.
 *
 * Pure: inputs are not mutated; each output is a new object with the finding's own fields kept.
 * Both lists keep the input order.
 */
export function anchorFindings<T extends Anchorable>(
  findings: T[],
  files: FileDiff[],
): { anchored: Anchored<T>[]; unanchored: Unanchored<T>[] } {
  const byPath = new Map<string, DiffIndex>();
  const byPreviousPath = new Map<string, DiffIndex>();
  for (const file of files) {
    if (!byPath.has(file.path)) byPath.set(file.path, indexDiff(file));
  }
  for (const file of files) {
    const previous = file.previousPath;
    if (previous !== undefined && !byPath.has(previous) && !byPreviousPath.has(previous)) {
      byPreviousPath.set(previous, byPath.get(file.path)!);
    }
  }

  const anchored: Anchored<T>[] = [];
  const unanchored: Unanchored<T>[] = [];
  for (const finding of findings) {
    const index = byPath.get(finding.path) ?? byPreviousPath.get(finding.path);
    if (index === undefined) {
      unanchored.push({ ...finding, reason: "file not in the diff" });
      continue;
    }
    const place = placeFinding(finding, index);
    if ("reason" in place) {
      unanchored.push({ ...finding, reason: place.reason });
      continue;
    }
    anchored.push({
      ...finding,
      path: index.path,
      side: place.side,
      line: place.line,
      startLine: place.startLine,
      moved: place.moved,
      suggestionAllowed: finding.replacement !== null && isSuggestible(place, index),
    });
  }
  return { anchored, unanchored };
}

type Place = { side: Side; line: number; startLine: number | null };

/** The lines of one side of one hunk, in order; their numbers are consecutive. */
type Run = { side: Side; hunkIndex: number; lines: { line: number; text: string }[] };

type DiffIndex = {
  path: string;
  hunks: Hunk[];
  runs: Run[];
  /** For each side, the hunk index of every line that side shows in the diff. */
  hunkOf: Record<Side, Map<number, number>>;
};

function indexDiff(file: FileDiff): DiffIndex {
  const runs: Run[] = [];
  const hunkOf: Record<Side, Map<number, number>> = { LEFT: new Map(), RIGHT: new Map() };
  file.hunks.forEach((hunk, hunkIndex) => {
    const right: Run = { side: "RIGHT", hunkIndex, lines: [] };
    const left: Run = { side: "LEFT", hunkIndex, lines: [] };
    for (const line of hunk.lines) {
      const text = normalise(line.text);
      if (line.newLine !== null) {
        right.lines.push({ line: line.newLine, text });
        hunkOf.RIGHT.set(line.newLine, hunkIndex);
      }
      if (line.oldLine !== null) {
        left.lines.push({ line: line.oldLine, text });
        hunkOf.LEFT.set(line.oldLine, hunkIndex);
      }
    }
    runs.push(right, left);
  });
  return { path: file.path, hunks: file.hunks, runs, hunkOf };
}

function placeFinding(
  finding: Anchorable,
  index: DiffIndex,
): (Place & { moved: boolean }) | { reason: string } {
  const claimed = claimedPlace(finding, index);
  const quotes = quoteVariants(finding.quotedCode);
  if (quotes.length === 0) {
    if (claimed !== null) return { ...claimed, moved: false };
    return {
      reason: `no quoted code to locate, and line ${finding.line} is not in the diff on the ${finding.side} side`,
    };
  }
  for (const quote of quotes) {
    if (claimed !== null && claimedRangeHolds(claimed, quote, index)) {
      return { ...claimed, moved: false };
    }
    const match = findQuote(quote, finding, index);
    if (match !== null) return { ...match, moved: true };
  }
  return { reason: "quoted code not found in the diff" };
}

/** The finding's own place, if its line is commentable; an invalid startLine is dropped. */
function claimedPlace(finding: Anchorable, index: DiffIndex): Place | null {
  const hunks = index.hunkOf[finding.side];
  const hunkIndex = hunks.get(finding.line);
  if (hunkIndex === undefined) return null;
  const start = finding.startLine;
  const startLine =
    start !== null && start < finding.line && hunks.get(start) === hunkIndex ? start : null;
  return { side: finding.side, line: finding.line, startLine };
}

function claimedRangeHolds(place: Place, quote: string[], index: DiffIndex): boolean {
  const hunkIndex = index.hunkOf[place.side].get(place.line);
  const run = index.runs.find(
    (candidate) => candidate.side === place.side && candidate.hunkIndex === hunkIndex,
  );
  if (run === undefined) return false;
  const first = place.startLine ?? place.line;
  const texts = run.lines
    .filter(({ line }) => line >= first && line <= place.line)
    .map(({ text }) => text);
  for (let start = 0; start + quote.length <= texts.length; start += 1) {
    if (windowMatch(texts.slice(start, start + quote.length), quote) !== null) return true;
  }
  return false;
}

type Match = Place & { exact: boolean; first: number };

function findQuote(quote: string[], finding: Anchorable, index: DiffIndex): Place | null {
  const matches: Match[] = [];
  for (const run of index.runs) {
    for (let start = 0; start + quote.length <= run.lines.length; start += 1) {
      const window = run.lines.slice(start, start + quote.length);
      const kind = windowMatch(
        window.map(({ text }) => text),
        quote,
      );
      if (kind === null) continue;
      const first = window[0]!.line;
      const last = window[window.length - 1]!.line;
      matches.push({
        side: run.side,
        line: last,
        startLine: first < last ? first : null,
        first,
        exact: kind === "exact",
      });
    }
  }
  if (matches.length === 0) return null;

  const target = (side: Side): number =>
    side === finding.side ? finding.line : translateLine(finding.line, finding.side, index.hunks);
  const distance = (match: Match): number => {
    const wanted = target(match.side);
    if (wanted < match.first) return match.first - wanted;
    if (wanted > match.line) return wanted - match.line;
    return 0;
  };
  const rank = (match: Match): number[] => [
    match.exact ? 0 : 1,
    match.side === finding.side ? 0 : 1,
    distance(match),
    match.first,
  ];
  const best = matches.reduce((winner, candidate) =>
    compareRanks(rank(candidate), rank(winner)) < 0 ? candidate : winner,
  );
  return { side: best.side, line: best.line, startLine: best.startLine };
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i += 1) {
    if (a[i]! !== b[i]!) return a[i]! - b[i]!;
  }
  return 0;
}

/**
 * Where a line of one side is on the other side, to measure how near a match on the other side is
 * (a quote of a deleted line with side RIGHT claimed). Between hunks the unchanged lines are
 * shifted by the lines added and deleted before them; inside a hunk, an added or deleted line
 * maps to the other side's line just before it.
 */
function translateLine(line: number, from: Side, hunks: Hunk[]): number {
  const numbers = (diffLine: DiffLine): [number | null, number | null] =>
    from === "RIGHT" ? [diffLine.newLine, diffLine.oldLine] : [diffLine.oldLine, diffLine.newLine];
  let shift = 0;
  for (const hunk of hunks) {
    const [fromStart, fromCount, toStart, toCount] =
      from === "RIGHT"
        ? [hunk.newStart, hunk.newLines, hunk.oldStart, hunk.oldLines]
        : [hunk.oldStart, hunk.oldLines, hunk.newStart, hunk.newLines];
    const fromFirst = fromCount === 0 ? fromStart + 1 : fromStart;
    if (line < fromFirst) break;
    if (line < fromFirst + fromCount) {
      let before = toCount === 0 ? toStart : toStart - 1;
      for (const diffLine of hunk.lines) {
        const [fromLine, toLine] = numbers(diffLine);
        if (fromLine === line) return toLine ?? before;
        if (toLine !== null) before = toLine;
      }
    }
    shift = toStart + Math.max(toCount, 1) - (fromStart + Math.max(fromCount, 1));
  }
  return line + shift;
}

function isSuggestible(place: Place, index: DiffIndex): boolean {
  if (place.side !== "RIGHT") return false;
  const hunkIndex = index.hunkOf.RIGHT.get(place.line);
  return (
    hunkIndex !== undefined && index.hunkOf.RIGHT.get(place.startLine ?? place.line) === hunkIndex
  );
}
