import fc from "fast-check";
import type { DiffLine, Hunk } from "../../src/diff/parse-patch.ts";

/**
 * A change to one file, as a property test needs it: both versions of the file, the patch git
 * (and so GitHub's "list pull request files" `patch` field) writes for it, and the hunks
 * parsePatch must read from that patch. The patch is built here from an edit script, not by
 * parsePatch's rules, so the two can disagree.
 */
export type FileChange = {
  oldContent: string;
  newContent: string;
  /** From the first "@@", as GitHub sends it; "" when the files are equal. */
  patch: string;
  hunks: Hunk[];
};

/** Lines that a careless parser would read as diff syntax when they are content. */
const headerLikeLines = [
  "--- a/src/app.ts",
  "+++ b/src/app.ts",
  "-- SQL comment",
  "++counter",
  "@@ -1,2 +1,2 @@",
  "@@ -0,0 +1 @@ heading",
  "diff --git a/src/app.ts b/src/app.ts",
  "index 83db48f..bf269f4 100644",
  "new file mode 100644",
  "Binary files a/x.png and b/x.png differ",
  "\\ No newline at end of file",
  "-",
  "+",
  " ",
  "",
];

/** Text of one line: header look-alikes, unicode (astral, combining, RTL, separators), anything. */
const anyLineText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...headerLikeLines),
  fc
    .array(
      fc.constantFrom("const", "x", "=", "1;", "naïve", "nai\u0308ve", "👍🏽", "日本語", "שלום"),
      { maxLength: 5 },
    )
    .map((words) => words.join(" ")),
  fc.string({ unit: "grapheme", maxLength: 8 }),
  // Any UTF-16, lone surrogates, "\r", U+2028 and NEL included; only "\n" ends a line.
  fc.string({ unit: "binary", maxLength: 8 }).map((text) => text.replaceAll("\n", "")),
);

type Op = { kind: DiffLine["kind"]; text: string };

type Plan = { op: "keep" | "delete" | "replace" | "insert"; added: string[] };

/**
 * Changes to arbitrary files, as git writes them: 0 to 4 context lines (hunks closer than twice
 * that merged), a count of 1 written or omitted, a heading or none, a trailing newline or none,
 * `\ No newline at end of file` after the last line of a side without one (a line whose final
 * newline changes is deleted and added), CRLF files (the "\r" kept in every row but the last
 * line's when it has no newline; the "@@" rows LF-only, as git writes them), added (-0,0) and
 * removed (+0,0) files. `lineText` gives the text of each line.
 */
export function arbitraryFileChange(
  lineText: fc.Arbitrary<string> = anyLineText,
): fc.Arbitrary<FileChange> {
  const plan = fc.oneof(
    { weight: 6, arbitrary: fc.constant<Plan>({ op: "keep", added: [] }) },
    { weight: 1, arbitrary: fc.constant<Plan>({ op: "delete", added: [] }) },
    ...(["replace", "insert"] as const).map((op) => ({
      weight: 1,
      arbitrary: fc
        .array(lineText, { minLength: 1, maxLength: 3 })
        .map((added): Plan => ({ op, added })),
    })),
  );
  return fc
    .record({
      oldLines: fc.array(lineText, { maxLength: 20 }),
      oldEol: fc.boolean(),
      newEol: fc.boolean(),
      deleteAll: fc.boolean(),
      plans: fc.array(plan, { minLength: 20, maxLength: 20 }),
      tail: fc.array(lineText, { maxLength: 3 }),
      context: fc.integer({ min: 0, max: 4 }),
      crlf: fc.boolean(),
      omitCountOfOne: fc.boolean(),
      heading: fc.option(
        fc.string({ maxLength: 12 }).filter((text) => !/[\r\n]/.test(text)),
        { nil: "" },
      ),
      trailingNewline: fc.boolean(),
    })
    .map((spec) => {
      const ops: Op[] = [];
      spec.oldLines.forEach((text, i) => {
        const { op, added } = spec.deleteAll ? { op: "delete", added: [] } : spec.plans[i]!;
        if (op === "insert") ops.push(...added.map((line): Op => ({ kind: "add", text: line })));
        ops.push({ kind: op === "keep" || op === "insert" ? "context" : "delete", text });
        if (op === "replace") ops.push(...added.map((line): Op => ({ kind: "add", text: line })));
      });
      if (!spec.deleteAll) ops.push(...spec.tail.map((text): Op => ({ kind: "add", text })));
      // An empty last line without a newline is no line at all: such a side ends with one.
      const oldEol = spec.oldEol || ops.findLast((op) => op.kind !== "add")?.text === "";
      const newEol = spec.newEol || ops.findLast((op) => op.kind !== "delete")?.text === "";
      return render(splitChangedEndings(ops, oldEol, newEol), { ...spec, oldEol, newEol });
    });
}

/**
 * A kept line that is the last line of a side without a final newline is not the same line on the
 * other side unless that side ends the same way: git deletes and adds it.
 */
function splitChangedEndings(ops: Op[], oldEol: boolean, newEol: boolean): Op[] {
  const oldCount = ops.filter((op) => op.kind !== "add").length;
  const newCount = ops.filter((op) => op.kind !== "delete").length;
  let oldSeen = 0;
  let newSeen = 0;
  return ops.flatMap((op): Op[] => {
    if (op.kind !== "add") oldSeen += 1;
    if (op.kind !== "delete") newSeen += 1;
    if (op.kind !== "context") return [op];
    const oldOpen = oldSeen === oldCount && !oldEol;
    const newOpen = newSeen === newCount && !newEol;
    return oldOpen === newOpen
      ? [op]
      : [
          { kind: "delete", text: op.text },
          { kind: "add", text: op.text },
        ];
  });
}

type Numbered = Op & { oldLine: number | null; newLine: number | null };

function render(
  ops: Op[],
  spec: {
    oldEol: boolean;
    newEol: boolean;
    context: number;
    crlf: boolean;
    omitCountOfOne: boolean;
    heading: string;
    trailingNewline: boolean;
  },
): FileChange {
  const oldCount = ops.filter((op) => op.kind !== "add").length;
  const newCount = ops.filter((op) => op.kind !== "delete").length;
  // A side with no lines has no last line to lack a newline.
  const oldEol = spec.oldEol || oldCount === 0;
  const newEol = spec.newEol || newCount === 0;
  let oldNext = 1;
  let newNext = 1;
  const numbered: Numbered[] = ops.map((op) => ({
    ...op,
    oldLine: op.kind === "add" ? null : oldNext++,
    newLine: op.kind === "delete" ? null : newNext++,
  }));
  const isOpenOld = (line: Numbered): boolean => line.oldLine === oldCount && !oldEol;
  const isOpenNew = (line: Numbered): boolean => line.newLine === newCount && !newEol;
  // The bytes of a line on disk, before its "\n": a CRLF file's lines end in "\r", except a
  // last line without a newline (its "\r\n" is missing whole).
  const raw = (line: Numbered): string =>
    line.text + (spec.crlf && !isOpenOld(line) && !isOpenNew(line) ? "\r" : "");

  const content = (lines: Numbered[], eol: boolean): string =>
    lines.map(raw).join("\n") + (eol && lines.length > 0 ? "\n" : "");
  const oldContent = content(
    numbered.filter((line) => line.oldLine !== null),
    oldEol,
  );
  const newContent = content(
    numbered.filter((line) => line.newLine !== null),
    newEol,
  );

  const rows: string[] = [];
  const hunks: Hunk[] = [];
  for (const [first, last] of hunkRanges(numbered, spec.context)) {
    const lines = numbered.slice(first, last + 1);
    const before = numbered.slice(0, first);
    const oldLines = lines.filter((line) => line.kind !== "add").length;
    const newLines = lines.filter((line) => line.kind !== "delete").length;
    const oldBefore = before.filter((line) => line.kind !== "add").length;
    const newBefore = before.filter((line) => line.kind !== "delete").length;
    const hunk: Hunk = {
      // A side with no lines in the hunk names the line before it, as git does.
      oldStart: oldLines === 0 ? oldBefore : oldBefore + 1,
      oldLines,
      newStart: newLines === 0 ? newBefore : newBefore + 1,
      newLines,
      header: spec.heading,
      lines: lines.map(({ kind, oldLine, newLine }, i) => ({
        kind,
        oldLine,
        newLine,
        text: raw(lines[i]!).replace(/\r$/, ""),
      })),
    };
    hunks.push(hunk);
    const range = (start: number, count: number): string =>
      count === 1 && spec.omitCountOfOne ? `${start}` : `${start},${count}`;
    rows.push(
      `@@ -${range(hunk.oldStart, oldLines)} +${range(hunk.newStart, newLines)} @@` +
        (spec.heading === "" ? "" : ` ${spec.heading}`),
    );
    for (const line of lines) {
      const marker = line.kind === "context" ? " " : line.kind === "add" ? "+" : "-";
      rows.push(marker + raw(line));
      if (isOpenOld(line) || isOpenNew(line)) rows.push("\\ No newline at end of file");
    }
  }
  const patch = rows.length === 0 ? "" : rows.join("\n") + (spec.trailingNewline ? "\n" : "");
  return { oldContent, newContent, patch, hunks };
}

/** Index ranges of `lines` that make hunks: each change with `context` lines around it, merged. */
function hunkRanges(lines: Numbered[], context: number): [number, number][] {
  const ranges: [number, number][] = [];
  lines.forEach((line, i) => {
    if (line.kind === "context") return;
    const first = Math.max(0, i - context);
    const last = Math.min(lines.length - 1, i + context);
    const previous = ranges[ranges.length - 1];
    if (previous !== undefined && first <= previous[1] + 1) previous[1] = last;
    else ranges.push([first, last]);
  });
  return ranges;
}
