/**
 * One line of a hunk. `oldLine` is its number in the old file (null for an added line), `newLine`
 * its number in the new file (null for a deleted line); context lines have both. `text` is the
 * line without its diff marker and without a trailing `\r`.
 */
export type DiffLine = {
  kind: "context" | "add" | "delete";
  oldLine: number | null;
  newLine: number | null;
  text: string;
};

/**
 * One `@@ -oldStart,oldLines +newStart,newLines @@ header` section. Counts omitted in the patch
 * are 1. When a count is 0 its start is the line *before* the change (0 for an added or removed
 * file), as in git. `header` is the text git puts after the second `@@` (often the enclosing
 * function), or "".
 */
export type Hunk = {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  header: string;
  lines: DiffLine[];
};

/** The patch is not a well-formed unified diff of one file; the message names the bad line. */
export class PatchParseError extends Error {
  override name = "PatchParseError";
}

const hunkHeaderPattern = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)$/;

/**
 * Lines git writes before the first hunk of a file (`git diff`, `git show`, `git format-patch`).
 * GitHub's "list pull request files" `patch` field starts at the first `@@`, but a full git diff of
 * one file is accepted too. They are only recognised before the first hunk: after it, a deleted
 * line `-- comment` is written `--- comment` and is content.
 */
const gitHeaderPattern =
  /^(diff --git |index |--- |\+\+\+ |(new|deleted) file mode |old mode |new mode |similarity index |dissimilarity index |rename from |rename to |copy from |copy to |Binary files )/;

/**
 * Parses the unified diff of ONE file, as GitHub's "list pull request files" API returns it in
 * `patch`, into hunks whose lines carry exact old and new line numbers.
 *
 * Accepts LF or CRLF line endings (a `\r` before the `\n` is dropped, everywhere), git's header
 * lines before the first hunk, `\ No newline at end of file` markers (skipped: they are not
 * lines), and blank lines inside a hunk (some tools strip the space of an empty context line; they
 * count as empty context lines). An empty patch gives [].
 *
 * Pure. Throws PatchParseError, naming the 1-based patch line, when a hunk header is malformed,
 * a hunk has more or fewer lines than its header says, hunks overlap or go backwards, the unchanged
 * lines before a hunk are not as many on both sides, content appears outside a hunk, or the patch
 * holds a second file.
 */
export function parsePatch(patch: string): Hunk[] {
  const rows = patch.split("\n").map((row) => (row.endsWith("\r") ? row.slice(0, -1) : row));
  // "a\n".split("\n") ends with "": the newline terminates the last line, it does not start one.
  if (rows[rows.length - 1] === "") rows.pop();
  // Blank rows after the last hunk is complete are ignored; inside a hunk they are blank lines.
  const lastContentIndex = rows.findLastIndex((row) => row !== "");

  const hunks: Hunk[] = [];
  let current: OpenHunk | null = null;

  for (const [index, row] of rows.entries()) {
    const lineNumber = index + 1;
    if (current !== null && !isComplete(current)) {
      addLine(current, row, lineNumber);
      continue;
    }
    if (row.startsWith("\\")) continue; // "\ No newline at end of file" after a hunk's last line
    if (row === "" && index > lastContentIndex) continue;
    if (row.startsWith("@@")) {
      if (current !== null) hunks.push(current.hunk);
      current = openHunk(row, lineNumber, hunks[hunks.length - 1] ?? null);
      continue;
    }
    if (current !== null && row.startsWith("diff --git ")) {
      throw new PatchParseError(
        `patch line ${lineNumber}: a second file starts here ("${row}"); parsePatch takes the patch of one file`,
      );
    }
    // Only before the first hunk: after one, "--- x" is a deleted "-- x" its header did not count.
    if (current === null && gitHeaderPattern.test(row)) continue;
    throw new PatchParseError(
      current === null
        ? `patch line ${lineNumber}: expected a hunk header "@@ -a,b +c,d @@", got "${row}"`
        : `patch line ${lineNumber}: "${row}" is outside any hunk; the hunk at patch line ${current.headerLineNumber} already has the ${current.hunk.oldLines} old and ${current.hunk.newLines} new lines its header promises`,
    );
  }

  if (current !== null) {
    if (!isComplete(current)) {
      throw new PatchParseError(
        `patch line ${current.headerLineNumber}: the hunk "${current.headerText}" promises ${current.hunk.oldLines} old and ${current.hunk.newLines} new lines but the patch ends after ${current.oldSeen} old and ${current.newSeen} new`,
      );
    }
    hunks.push(current.hunk);
  }
  return hunks;
}

type OpenHunk = {
  hunk: Hunk;
  headerText: string;
  headerLineNumber: number;
  oldSeen: number;
  newSeen: number;
};

function isComplete(open: OpenHunk): boolean {
  return open.oldSeen === open.hunk.oldLines && open.newSeen === open.hunk.newLines;
}

/** First line a hunk covers on one side; a 0-count start names the line before the change. */
function firstLine(start: number, count: number): number {
  return count === 0 ? start + 1 : start;
}

function openHunk(row: string, lineNumber: number, previous: Hunk | null): OpenHunk {
  const match = hunkHeaderPattern.exec(row);
  if (match === null) {
    throw new PatchParseError(
      `patch line ${lineNumber}: malformed hunk header "${row}"; expected "@@ -a,b +c,d @@ optional heading" (",b" and ",d" may be omitted when 1)`,
    );
  }
  const [, oldStartText, oldCountText, newStartText, newCountText, rest] = match;
  const hunk: Hunk = {
    oldStart: Number(oldStartText),
    oldLines: oldCountText === undefined ? 1 : Number(oldCountText),
    newStart: Number(newStartText),
    newLines: newCountText === undefined ? 1 : Number(newCountText),
    header: (rest ?? "").replace(/^ /, ""),
    lines: [],
  };
  for (const [side, start, count] of [
    ["old", hunk.oldStart, hunk.oldLines],
    ["new", hunk.newStart, hunk.newLines],
  ] as const) {
    if (count > 0 && start === 0) {
      throw new PatchParseError(
        `patch line ${lineNumber}: hunk header "${row}" gives ${count} ${side} lines starting at line 0; lines are numbered from 1`,
      );
    }
  }
  checkOrder(previous, hunk, row, lineNumber);
  return { hunk, headerText: row, headerLineNumber: lineNumber, oldSeen: 0, newSeen: 0 };
}

/**
 * Hunks must move forward on both sides, and the unchanged lines before a hunk (since the previous
 * one, or since the top of the file) are the same lines on both sides, so that gap must have the
 * same length: a header that breaks either rule has wrong numbers, and so would every line after it.
 */
function checkOrder(previous: Hunk | null, hunk: Hunk, row: string, lineNumber: number): void {
  // The first line after the previous hunk, on each side (1 when there is none).
  const oldNext = previous === null ? 1 : previous.oldStart + Math.max(previous.oldLines, 1);
  const newNext = previous === null ? 1 : previous.newStart + Math.max(previous.newLines, 1);
  const oldGap = firstLine(hunk.oldStart, hunk.oldLines) - oldNext;
  const newGap = firstLine(hunk.newStart, hunk.newLines) - newNext;
  const since = previous === null ? "the top of the file" : "the previous hunk";
  if (previous !== null && (oldGap < 0 || newGap < 0)) {
    throw new PatchParseError(
      `patch line ${lineNumber}: hunk "${row}" overlaps or comes before the previous hunk "@@ -${previous.oldStart},${previous.oldLines} +${previous.newStart},${previous.newLines} @@"; hunks must be in file order`,
    );
  }
  if (oldGap !== newGap) {
    throw new PatchParseError(
      `patch line ${lineNumber}: hunk "${row}" starts ${oldGap} unchanged lines after ${since} on the old side but ${newGap} on the new side; its line numbers are inconsistent`,
    );
  }
}

function addLine(open: OpenHunk, row: string, lineNumber: number): void {
  if (row.startsWith("\\")) return; // "\ No newline at end of file" between a hunk's lines
  if (row.startsWith("@@")) {
    throw new PatchParseError(
      `patch line ${lineNumber}: a new hunk starts, but the hunk "${open.headerText}" (patch line ${open.headerLineNumber}) promises ${open.hunk.oldLines} old and ${open.hunk.newLines} new lines and has only ${open.oldSeen} old and ${open.newSeen} new`,
    );
  }
  const marker = row.charAt(0);
  const text = row.slice(1);
  const { hunk } = open;
  const oldFull = open.oldSeen === hunk.oldLines;
  const newFull = open.newSeen === hunk.newLines;
  const oldLine = hunk.oldStart + open.oldSeen;
  const newLine = hunk.newStart + open.newSeen;

  const tooMany = (what: string): PatchParseError =>
    new PatchParseError(
      `patch line ${lineNumber}: ${what} "${row}" is one more than the hunk "${open.headerText}" (patch line ${open.headerLineNumber}) allows: ${open.oldSeen}/${hunk.oldLines} old and ${open.newSeen}/${hunk.newLines} new lines seen so far`,
    );

  if (row === "" || marker === " ") {
    if (oldFull || newFull) throw tooMany("context line");
    hunk.lines.push({ kind: "context", oldLine, newLine, text });
    open.oldSeen += 1;
    open.newSeen += 1;
  } else if (marker === "-") {
    if (oldFull) throw tooMany("deleted line");
    hunk.lines.push({ kind: "delete", oldLine, newLine: null, text });
    open.oldSeen += 1;
  } else if (marker === "+") {
    if (newFull) throw tooMany("added line");
    hunk.lines.push({ kind: "add", oldLine: null, newLine, text });
    open.newSeen += 1;
  } else {
    throw new PatchParseError(
      `patch line ${lineNumber}: "${row}" inside the hunk "${open.headerText}" must start with " ", "+", "-" or "\\"`,
    );
  }
}
