import fc from "fast-check";
import { describe, it, expect } from "vitest";
import { anchorFindings } from "../../src/review/anchor-findings.ts";
import type { Anchorable, Side } from "../../src/review/anchor-findings.ts";
import type { FileDiff } from "../../src/diff/format-diff.ts";
import type { Hunk } from "../../src/diff/parse-patch.ts";
import { arbitraryFileChange } from "../diff/arbitrary-file-change.ts";

/**
 * Property tests: anchorFindings on random diffs (built by the same generator as parsePatch's
 * property tests) and random findings. The promise under test is GitHub's: one comment on a line
 * it does not accept makes it reject the whole review (422).
 */

const runs = { numRuns: 300 };

/**
 * Code-like line texts. None contains the absent token, starts with a prompt label (`R12`, `L7`)
 * or a Markdown fence, which anchoring would strip from a quote.
 */
const codeLine = fc
  .array(
    fc.constantFrom(
      "const",
      "x",
      "y",
      "=",
      "1;",
      "10;",
      "return",
      "null;",
      "{",
      "}",
      "f(x)",
      "--",
      "@@",
      "naïve",
      "nai\u0308ve",
      "👍🏽",
      "שלום",
      "\t",
      "  ",
      "\u00a0",
    ),
    { maxLength: 4 },
  )
  .map((words) => words.join(" "));

const absentToken = "qqq_absent_token";

type Finding = Anchorable & { id: number };

/** For each side of a file, the hunk index of every line GitHub accepts a comment on. */
function commentableLines(hunks: Hunk[]): Record<Side, Map<number, number>> {
  const lines: Record<Side, Map<number, number>> = { LEFT: new Map(), RIGHT: new Map() };
  hunks.forEach((hunk, index) => {
    for (const line of hunk.lines) {
      // RIGHT: added and context lines; LEFT: deleted and context lines (old-file numbers).
      if (line.kind !== "delete") lines.RIGHT.set(line.newLine!, index);
      if (line.kind !== "add") lines.LEFT.set(line.oldLine!, index);
    }
  });
  return lines;
}

/** Texts of the lines `first`..`last` of one side, as they appear in the diff. */
function sideTexts(hunks: Hunk[], side: Side, first: number, last: number): string[] {
  return hunks
    .flatMap((hunk) => hunk.lines)
    .map((line) => ({ number: side === "RIGHT" ? line.newLine : line.oldLine, text: line.text }))
    .filter(({ number }) => number !== null && number >= first && number <= last)
    .map(({ text }) => text);
}

/** Whitespace normalised as the contract says: trimmed, runs collapsed, NFC. */
function normalise(text: string): string {
  return text.normalize("NFC").replace(/\s+/gu, " ").trim();
}

function trimBlankEnds(lines: string[]): string[] {
  const blank = (line: string | undefined): boolean => line !== undefined && line.trim() === "";
  const trimmed = [...lines];
  while (blank(trimmed[0])) trimmed.shift();
  while (blank(trimmed[trimmed.length - 1])) trimmed.pop();
  return trimmed;
}

const fence = /^\s*```/;
const label = /^\s*[RL]\d+(?:\s+[+-](?=\s|$)|(?=\s|$))/;

/**
 * A quote's code lines, normalised, as the contract reads a quote: without blank lines around it,
 * a Markdown fence around it, or the prompt's `R12 + ` labels when every line has one (the code
 * lines generated here never start with one).
 */
function quoteLines(quote: string): string[] {
  let lines = trimBlankEnds(quote.split(/\r\n|\r|\n/));
  if (lines.length >= 2 && fence.test(lines[0]!) && fence.test(lines[lines.length - 1]!)) {
    lines = trimBlankEnds(lines.slice(1, -1));
  }
  if (lines.every((line) => line.trim() === "" || label.test(line))) {
    lines = trimBlankEnds(lines.map((line) => line.replace(label, "")));
  }
  return lines.map(normalise);
}

/** A quote as a model may write it: as is, fenced, labelled as in the prompt, or with CRLF. */
const decorate = fc.constantFrom(
  (quote: string) => quote,
  (quote: string) => `\n\`\`\`ts\n${quote}\n\`\`\`\n`,
  (quote: string) =>
    quote
      .split("\n")
      .map((line, i) => `R${i + 7} + ${line}`)
      .join("\n"),
  (quote: string) => quote.replaceAll("\n", "\r\n"),
);

/** Consecutive lines of one side of one hunk, joined: a quote that is in the diff. */
function quotesIn(hunks: Hunk[]): string[] {
  const quotes: string[] = [];
  for (const hunk of hunks) {
    for (const side of ["LEFT", "RIGHT"] as const) {
      const texts = hunk.lines
        .filter((line) => line.kind !== (side === "RIGHT" ? "delete" : "add"))
        .map((line) => line.text);
      for (let start = 0; start < texts.length; start += 1) {
        for (let end = start + 1; end <= Math.min(texts.length, start + 3); end += 1) {
          quotes.push(texts.slice(start, end).join("\n"));
        }
      }
    }
  }
  return quotes.filter((quote) => quoteLines(quote).length > 0);
}

type Scenario = { files: FileDiff[]; findings: Finding[] };

const paths = ["src/a.ts", "src/b.ts", "lib/c.ts"];

const scenario: fc.Arbitrary<Scenario> = fc
  .tuple(
    fc.array(arbitraryFileChange(codeLine), { minLength: 1, maxLength: 3 }),
    fc.boolean(), // the first file is a rename
  )
  .chain(([changes, renamed]) => {
    const files: FileDiff[] = changes.map((change, i) => ({
      path: paths[i]!,
      status: i === 0 && renamed ? "renamed" : "modified",
      ...(i === 0 && renamed ? { previousPath: "old/a.ts" } : {}),
      hunks: structuredClone(change.hunks),
    }));
    const known = files.flatMap((file) =>
      file.previousPath === undefined ? [file.path] : [file.path, file.previousPath],
    );
    const inDiff = files.flatMap((file) => quotesIn(file.hunks));
    const quote = fc.oneof(
      ...(inDiff.length > 0
        ? [
            {
              weight: 4,
              arbitrary: fc
                .tuple(fc.constantFrom(...inDiff), decorate)
                .map(([text, style]) => style(text)),
            },
          ]
        : []),
      { weight: 1, arbitrary: fc.constantFrom("", "  \n\t\n", absentToken, `x = ${absentToken}`) },
      { weight: 1, arbitrary: codeLine },
    );
    // Mostly lines some hunk shows, so claimed places and ranges across hunks come up often.
    const shown = [
      ...new Set(
        files.flatMap((file) =>
          Object.values(commentableLines(file.hunks)).flatMap((m) => [...m.keys()]),
        ),
      ),
    ];
    const line = fc.oneof(
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 45 }) },
      ...(shown.length > 0 ? [{ weight: 3, arbitrary: fc.constantFrom(...shown) }] : []),
    );
    const finding = fc.record({
      path: fc.constantFrom(...known, "not/in/the/diff.ts"),
      side: fc.constantFrom<Side>("LEFT", "RIGHT"),
      line,
      startLine: fc.option(line, { nil: null }),
      quotedCode: quote,
      replacement: fc.option(fc.constant("fixed();"), { nil: null }),
    });
    return fc
      .array(finding, { maxLength: 8 })
      .map((list) => ({ files, findings: list.map((f, id) => ({ ...f, id })) }));
  });

describe("anchorFindings, for any diff and any findings", () => {
  it("places every anchored finding on a line GitHub accepts, start_line in the same hunk", () => {
    fc.assert(
      fc.property(scenario, ({ files, findings }) => {
        const { anchored } = anchorFindings(findings, files);
        for (const placed of anchored) {
          const file = files.find((candidate) => candidate.path === placed.path);
          expect(file, `anchored to a path that is not a file's current path`).toBeDefined();
          const lines = commentableLines(file!.hunks)[placed.side];
          expect(lines.has(placed.line)).toBe(true);
          if (placed.startLine !== null) {
            expect(placed.startLine).toBeLessThan(placed.line);
            expect(lines.get(placed.startLine)).toBe(lines.get(placed.line));
          }
          // A suggestion replaces new-file lines: RIGHT only (the range is one hunk, checked above).
          expect(placed.suggestionAllowed).toBe(
            placed.replacement !== null && placed.side === "RIGHT",
          );
        }
      }),
      runs,
    );
  });

  it("accounts for every finding once, in input order, with its own fields kept", () => {
    fc.assert(
      fc.property(scenario, ({ files, findings }) => {
        const { anchored, unanchored } = anchorFindings(findings, files);
        // Ids are input positions: each list in input order is a list of ascending ids.
        for (const list of [anchored, unanchored]) {
          const ids = list.map((f) => f.id);
          expect(ids).toEqual([...ids].sort((a, b) => a - b));
        }
        expect([...anchored, ...unanchored].map((f) => f.id).sort((a, b) => a - b)).toEqual(
          findings.map((f) => f.id),
        );
        for (const out of [...anchored, ...unanchored]) {
          const input = findings[out.id]!;
          expect(out.quotedCode).toBe(input.quotedCode);
          expect(out.replacement).toBe(input.replacement);
        }
        for (const set of unanchored) expect(set.reason).not.toBe("");
      }),
      runs,
    );
  });

  it("never places a finding whose file, quote or claimed line is not in the diff", () => {
    fc.assert(
      fc.property(scenario, ({ files, findings }) => {
        const { anchored } = anchorFindings(findings, files);
        for (const placed of anchored) {
          const input = findings[placed.id]!;
          expect(input.path).not.toBe("not/in/the/diff.ts");
          expect(input.quotedCode).not.toContain(absentToken);
          const file = files.find((f) => f.path === placed.path)!;
          const quote = quoteLines(input.quotedCode);
          if (quote.length === 0) {
            // Nothing to look for: only the claimed place, and only if GitHub accepts it.
            expect(placed).toMatchObject({ side: input.side, line: input.line, moved: false });
            continue;
          }
          // The placed range holds the quote (whole lines, or a cut of them).
          const first = placed.startLine ?? placed.line;
          const range = sideTexts(file.hunks, placed.side, first, placed.line).map(normalise);
          expect(range.join("\n")).toContain(quote.join("\n"));
          if (!placed.moved) {
            expect(placed.side).toBe(input.side);
            expect(placed.line).toBe(input.line);
          }
        }
      }),
      runs,
    );
  });

  it("places every finding whose quote is lines of the diff, in its file", () => {
    fc.assert(
      fc.property(scenario, ({ files, findings }) => {
        const { unanchored } = anchorFindings(findings, files);
        for (const set of unanchored) {
          const file = files.find((f) => f.path === set.path || f.previousPath === set.path);
          if (file === undefined) continue;
          const quote = quoteLines(set.quotedCode).join("\n");
          expect(quotesIn(file.hunks).map((q) => quoteLines(q).join("\n"))).not.toContain(quote);
        }
      }),
      runs,
    );
  });

  it("keeps an empty-quoted finding on its claimed line exactly when GitHub accepts that line", () => {
    fc.assert(
      fc.property(scenario, ({ files, findings }) => {
        const { anchored, unanchored } = anchorFindings(findings, files);
        for (const input of findings) {
          if (quoteLines(input.quotedCode).length > 0) continue;
          const file = files.find((f) => f.path === input.path || f.previousPath === input.path);
          const lines = file && commentableLines(file.hunks)[input.side];
          const accepted = lines?.has(input.line) ?? false;
          expect(anchored.some((a) => a.id === input.id)).toBe(accepted);
          expect(unanchored.some((u) => u.id === input.id)).toBe(!accepted);
          const placed = anchored.find((a) => a.id === input.id);
          if (placed === undefined) continue;
          const startValid =
            input.startLine !== null &&
            input.startLine < input.line &&
            lines!.get(input.startLine) === lines!.get(input.line);
          expect(placed.startLine).toBe(startValid ? input.startLine : null);
          expect(placed.path).toBe(file!.path);
        }
      }),
      runs,
    );
  });

  it("does not change its inputs", () => {
    fc.assert(
      fc.property(scenario, ({ files, findings }) => {
        const before = structuredClone({ files, findings });
        anchorFindings(findings, files);
        expect({ files, findings }).toEqual(before);
      }),
      runs,
    );
  });
});
