/** A piece of Markdown: code (a fenced block or a code span, delimiters included) or prose. */
export type MarkdownPiece = { kind: "code" | "prose"; text: string };

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/**
 * Splits Markdown into code and prose, the way GitHub renders it, erring towards prose: text is
 * called code only where GitHub certainly shows it as code, because prose is what the outgoing
 * filter rewrites (a mention in code is shown as typed; one in prose notifies).
 *
 * - A fenced block opens with three or more backticks or tildes indented at most three spaces
 *   (a backtick fence's info string has no backtick) and closes with a line of the same character,
 *   at least as long, indented at most three spaces. An unclosed block is closed at the end: the
 *   returned code piece ends with a closing fence, so text appended after it is never swallowed.
 * - A code span is a run of backticks, not escaped by a backslash, and the next run of the same
 *   length on the same line. Spans over several lines are left as prose (GitHub would end them at
 *   a block boundary, such as a heading line, that this function does not track).
 *
 * With `fences: false` only code spans are found: for text Revue puts inside a line of its own
 * (a title after a label), where a fence could not open a block.
 *
 * Pure. Joining the pieces' texts gives the input back, plus the closing fence of an unclosed block.
 */
export function splitMarkdownCode(text: string, options = { fences: true }): MarkdownPiece[] {
  if (!options.fences) return splitCodeSpans(text);
  const pieces: MarkdownPiece[] = [];
  const lines = text.split("\n");
  let prose: string[] = [];
  const flushProse = (more: boolean) => {
    if (prose.length === 0) return;
    for (const piece of splitCodeSpans(prose.join("\n") + (more ? "\n" : ""))) pieces.push(piece);
    prose = [];
  };
  for (let i = 0; i < lines.length; i += 1) {
    const open = FENCE_OPEN.exec(lines[i]!);
    if (!open || (open[1]![0] === "`" && open[2]!.includes("`"))) {
      prose.push(lines[i]!);
      continue;
    }
    flushProse(true);
    const fence = open[1]!;
    const close = new RegExp(`^ {0,3}${fence[0] === "`" ? "`" : "~"}{${fence.length},}[ \\t]*$`);
    const block = [lines[i]!];
    let closed = false;
    for (i += 1; i < lines.length; i += 1) {
      block.push(lines[i]!);
      if (close.test(lines[i]!)) {
        closed = true;
        break;
      }
    }
    if (!closed) block.push(fence);
    pieces.push({ kind: "code", text: block.join("\n") + (i < lines.length - 1 ? "\n" : "") });
  }
  flushProse(false);
  return pieces;
}

/** Code spans within prose lines; see splitMarkdownCode. */
function splitCodeSpans(text: string): MarkdownPiece[] {
  const pieces: MarkdownPiece[] = [];
  let proseStart = 0;
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (char === "\\") {
      i += 2; // an escaped character, a backtick included, starts nothing
      continue;
    }
    if (char !== "`") {
      i += 1;
      continue;
    }
    let runEnd = i;
    while (text[runEnd] === "`") runEnd += 1;
    const run = text.slice(i, runEnd);
    const lineEnd = text.indexOf("\n", runEnd) === -1 ? text.length : text.indexOf("\n", runEnd);
    const match = new RegExp(`(?<!\`)${run}(?!\`)`).exec(text.slice(runEnd, lineEnd));
    if (!match) {
      i = runEnd; // an unmatched run is literal text
      continue;
    }
    if (i > proseStart) pieces.push({ kind: "prose", text: text.slice(proseStart, i) });
    const end = runEnd + match.index + run.length;
    pieces.push({ kind: "code", text: text.slice(i, end) });
    proseStart = end;
    i = end;
  }
  if (proseStart < text.length) pieces.push({ kind: "prose", text: text.slice(proseStart) });
  return pieces;
}
