// Longer than 300 lines on purpose: one algorithm (collect definition units, emit them and the
// gaps between them as spans, split what is too long) whose private helpers share one Context and
// mean nothing apart; splitting it would export internals for no reader's benefit.
import type { Node, Tree } from "web-tree-sitter";
import type { ChunkKind } from "../code-index/chunk.ts";
import { fieldName } from "./syntax-names.ts";
import type { DefinitionKind, DefinitionRule, SyntaxRules } from "./syntax-rules.ts";

/** Where a chunk lies and what it is, before its content, references and hash are filled in. */
export type ChunkSpan = {
  kind: ChunkKind;
  /** 0-based, inclusive. */
  startRow: number;
  endRow: number;
  /** Lines shown before the chunk's own: enclosing signatures, then "..." when lines were skipped. */
  prefix: string[];
  signature: string | null;
  symbols: string[];
};

/** A definition found in the tree, with the rows its chunk covers. */
type Unit = {
  /** The node the chunk spans: the definition, or the wrapper around it (`export`, decorators). */
  outer: Node;
  node: Node;
  rule: DefinitionRule;
  /** Includes comments and attributes attached above `outer`. */
  startRow: number;
  endRow: number;
  kind: DefinitionKind;
  names: string[];
  owner: string | null;
  members: Unit[];
  /** Definitions sharing this one's rows (minified code); they can only be split by lines. */
  merged: string[];
};

/** One enclosing signature, and the last row it was taken from. */
type Signature = { text: string; lastRow: number };

/** How to label code between definitions: top-level code, or a large class's header and fields. */
type GapStyle = {
  kind: ChunkKind;
  enclosing: readonly Signature[];
  signature: string | null;
  symbols: string[];
};

type Context = {
  rules: SyntaxRules;
  lines: readonly string[];
  maxChunkLines: number;
  /** Rows where a top-level or member-level statement starts: good places to split a long gap. */
  statementRows: Set<number>;
};

/** Signatures longer than this (huge parameter lists) are cut: they are repeated on every piece. */
const maxSignatureLines = 6;

/**
 * Cuts a parsed file into spans along its syntax: one per definition (a class up to
 * `maxChunkLines` whole, a larger one per member; anything else too large in pieces of at most
 * `maxChunkLines` lines, cut where statements start), and the code between definitions grouped
 * into "module" (before the first definition) and "block" spans. Every non-blank line falls in
 * exactly one span; spans come in file order and never overlap.
 *
 * Returns null when the parse found no definition and has errors: the caller should fall back to
 * line windows rather than trust the tree.
 */
export function chunkSyntaxTree(
  tree: Tree,
  lines: readonly string[],
  rules: SyntaxRules,
  maxChunkLines: number,
): ChunkSpan[] | null {
  const context: Context = { rules, lines, maxChunkLines, statementRows: new Set() };
  const units = collectUnits(context, tree.rootNode, null, false);
  if (units.length === 0 && tree.rootNode.hasError) return null;

  const spans: ChunkSpan[] = [];
  // Code before the first definition is the file's preamble ("module"); later code is a "block".
  const gap: GapStyle = { kind: "module", enclosing: [], signature: null, symbols: [] };
  let cursor = 0;
  for (const unit of units) {
    emitGap(context, cursor, unit.startRow - 1, gap, spans);
    emitUnit(context, unit, [], spans);
    gap.kind = "block";
    cursor = unit.endRow + 1;
  }
  emitGap(context, cursor, lines.length - 1, gap, spans);
  return spans;
}

/** The last row holding any of the node's text (a node ending at column 0 ends on the row before). */
function lastRow(node: Node): number {
  const { row, column } = node.endPosition;
  return column === 0 && row > node.startPosition.row ? row - 1 : row;
}

type Found =
  | { type: "definition"; outer: Node; node: Node; rule: DefinitionRule }
  | { type: "container"; node: Node };

function resolve(rules: SyntaxRules, node: Node): Found | null {
  const rule = rules.definitions.get(node.type);
  if (rule !== undefined && (rule.when?.(node) ?? true)) {
    return { type: "definition", outer: node, node, rule };
  }
  if (rules.wrappers.has(node.type)) {
    for (const child of node.namedChildren) {
      const inner = resolve(rules, child);
      if (inner?.type === "definition") return { ...inner, outer: node };
      if (inner !== null) return inner;
    }
  }
  return rules.containers.has(node.type) ? { type: "container", node } : null;
}

/**
 * The definitions among `parent`'s children, looking through containers. `owner` and `inClass`
 * describe the class-like definition whose body `parent` is, if any.
 */
function collectUnits(
  context: Context,
  parent: Node,
  owner: string | null,
  inClass: boolean,
): Unit[] {
  const units: Unit[] = [];
  // A run of trivia (comments, attributes) not yet attached, and the last row holding code.
  const state: { trivia: { start: number; end: number } | null; codeEnd: number } = {
    trivia: null,
    codeEnd: -1,
  };
  const visit = (container: Node): void => {
    for (const child of container.namedChildren) {
      const start = child.startPosition.row;
      const end = lastRow(child);
      if (context.rules.trivia.has(child.type)) {
        if (start <= state.codeEnd) continue; // a comment trailing code belongs to that code
        const run = state.trivia;
        state.trivia =
          run !== null && start <= run.end + 1
            ? { start: run.start, end: Math.max(run.end, end) }
            : { start, end };
        context.statementRows.add(start);
        continue;
      }
      const found = resolve(context.rules, child);
      if (found?.type === "definition") {
        const run = state.trivia;
        const attached = run !== null && run.end >= start - 1 ? run.start : start;
        units.push(makeUnit(context, found, attached, owner, inClass));
      } else if (found?.type === "container") {
        state.trivia = null;
        state.codeEnd = start;
        context.statementRows.add(start);
        visit(found.node);
      } else {
        context.statementRows.add(start);
      }
      state.trivia = null;
      state.codeEnd = Math.max(state.codeEnd, end);
    }
  };
  visit(parent);
  return mergeOverlaps(units);
}

/** Most definitions name themselves in a `name` field (`Bar` of Ruby's `class Foo::Bar`). */
const defaultNames = fieldName("name");

function makeUnit(
  context: Context,
  found: Extract<Found, { type: "definition" }>,
  startRow: number,
  owner: string | null,
  inClass: boolean,
): Unit {
  const { outer, node, rule } = found;
  const names = (rule.names ?? defaultNames)(node);
  const ownOwner = rule.owner?.(node) ?? owner;
  const declared = typeof rule.kind === "function" ? rule.kind(node) : rule.kind;
  const kind = declared === "function" && (inClass || ownOwner !== null) ? "method" : declared;
  const body = rule.members === true ? node.childForFieldName(rule.body ?? "body") : null;
  return {
    outer,
    node,
    rule,
    startRow,
    endRow: lastRow(outer),
    kind,
    names,
    owner: ownOwner,
    members: body === null ? [] : collectUnits(context, body, names[0] ?? null, true),
    merged: [],
  };
}

/** Definitions sharing a row (`function a(){} function b(){}`) become one unit. */
function mergeOverlaps(units: Unit[]): Unit[] {
  const merged: Unit[] = [];
  for (const unit of units) {
    const previous = merged.at(-1);
    if (previous !== undefined && unit.startRow <= previous.endRow) {
      previous.endRow = Math.max(previous.endRow, unit.endRow);
      previous.merged.push(...symbolsOf(unit));
    } else {
      merged.push(unit);
    }
  }
  return merged;
}

function ownSymbols(unit: Unit): string[] {
  if (unit.rule.qualifiesOnly === true) return [];
  return unit.names.flatMap((name) =>
    unit.owner === null ? [name] : [`${unit.owner}.${name}`, name],
  );
}

/** Names a whole unit defines: its own, its members' (recursively), and merged neighbours'. */
function symbolsOf(unit: Unit): string[] {
  const symbols = [...ownSymbols(unit), ...unit.members.flatMap(symbolsOf), ...unit.merged];
  return [...new Set(symbols)];
}

function span(unit: { startRow: number; endRow: number }): number {
  return unit.endRow - unit.startRow + 1;
}

function emitUnit(
  context: Context,
  unit: Unit,
  chain: readonly Signature[],
  out: ChunkSpan[],
): void {
  const own = signatureOf(context, unit);
  const enclosing = [...chain, own];
  const signature = enclosing.map((part) => part.text).join("\n");
  if (span(unit) <= context.maxChunkLines) {
    out.push({
      kind: unit.kind,
      startRow: unit.startRow,
      endRow: unit.endRow,
      prefix: prefixFor(context, chain, unit.startRow),
      signature,
      symbols: symbolsOf(unit),
    });
    return;
  }
  if (unit.members.length > 0 && unit.merged.length === 0) {
    // A large class: each member on its own, the rest (header, fields, closing lines) between.
    const gap: GapStyle = { kind: unit.kind, enclosing, signature, symbols: ownSymbols(unit) };
    let cursor = unit.startRow;
    for (const member of unit.members) {
      emitGap(context, cursor, member.startRow - 1, gap, out);
      emitUnit(context, member, enclosing, out);
      cursor = member.endRow + 1;
    }
    emitGap(context, cursor, unit.endRow, gap, out);
    return;
  }
  const symbols = symbolsOf(unit);
  for (const [startRow, endRow] of splitRows(
    context,
    unit.startRow,
    unit.endRow,
    bodyRows(context, unit.node),
  )) {
    out.push({
      kind: unit.kind,
      startRow,
      endRow,
      prefix: prefixFor(context, enclosing, startRow),
      signature,
      symbols,
    });
  }
}

/**
 * Emits the lines `from..to` that belong to no definition. Closing lines at their head (brackets,
 * Ruby's `end`) join the span before them when that stays within the limit, rather than standing
 * alone or opening an unrelated chunk.
 */
function emitGap(
  context: Context,
  from: number,
  to: number,
  style: GapStyle,
  out: ChunkSpan[],
): void {
  const { lines, maxChunkLines } = context;
  let range = trimBlank(lines, from, to);
  if (range === null) return;
  // Closing lines at its head (`}` of an enclosing namespace or module) join the span before.
  const previous = out.at(-1);
  let closingEnd = -1;
  for (let row = range[0]; row <= range[1] && isClosingLine(lines[row]!); row++) {
    if (!isBlank(lines[row]!)) closingEnd = row;
  }
  if (previous !== undefined && closingEnd >= 0 && closingEnd - previous.startRow < maxChunkLines) {
    previous.endRow = closingEnd;
    range = trimBlank(lines, closingEnd + 1, range[1]);
    if (range === null) return;
  }
  const [start, end] = range;
  for (const [startRow, endRow] of splitRows(context, start, end, context.statementRows)) {
    out.push({
      kind: style.kind,
      startRow,
      endRow,
      prefix: prefixFor(context, style.enclosing, startRow),
      signature: style.signature,
      symbols: style.symbols,
    });
  }
}

function isBlank(line: string): boolean {
  return line.trim() === "";
}

/** Only brackets and separators, `end`, or a PHP close tag, perhaps with a `//` comment. */
function isClosingLine(line: string): boolean {
  const code = line.replace(/\/\/.*$/, "").replace(/\s+/g, "");
  return isBlank(code) || /^[\])};,]+$/.test(code) || code === "end" || code === "?>";
}

function trimBlank(lines: readonly string[], from: number, to: number): [number, number] | null {
  let start = from;
  let end = to;
  while (start <= end && isBlank(lines[start]!)) start++;
  while (end >= start && isBlank(lines[end]!)) end--;
  return start <= end ? [start, end] : null;
}

/**
 * The signature lines of a definition: from its first line to where its body starts (the line
 * with the opening brace, or the line before an indented body), without leading decorator,
 * annotation or comment lines, and at most `maxSignatureLines` lines.
 */
function signatureOf(context: Context, unit: Unit): Signature {
  const { lines } = context;
  let first = unit.outer.startPosition.row;
  let last = first;
  const body = unit.node.childForFieldName(unit.rule.body ?? "body");
  if (body !== null && body.startPosition.row > first) {
    const { row, column } = body.startPosition;
    const line = lines[row]!;
    last = !isBlank(line.slice(0, column)) || line[column] === "{" ? row : row - 1;
  }
  while (first < last && /^\s*(@|#\[|\[|\/\/|\/\*|\*)/.test(lines[first]!)) first++;
  while (last > first && isBlank(lines[last]!)) last--;
  last = Math.min(last, first + maxSignatureLines - 1);
  const text = lines
    .slice(first, last + 1)
    .map((line) => line.trimEnd())
    .join("\n");
  return { text, lastRow: last };
}

/**
 * The lines to show before a span starting at `startRow`: the enclosing signatures that end
 * before it, then an indented "..." if code was skipped between the last of them and the span.
 */
function prefixFor(context: Context, enclosing: readonly Signature[], startRow: number): string[] {
  const shown = enclosing.filter((signature) => signature.lastRow < startRow);
  const last = shown.at(-1);
  if (last === undefined) return [];
  const prefix = shown.map((signature) => signature.text);
  const skipped = context.lines.slice(last.lastRow + 1, startRow).some((line) => !isBlank(line));
  if (skipped) {
    const indentation = /^\s*/.exec(context.lines[startRow]!)?.[0] ?? "";
    prefix.push(`${indentation}...`);
  }
  return prefix;
}

/** Rows where statements of a definition start, looking inside any statement too large to keep. */
function bodyRows(context: Context, node: Node): Set<number> {
  const rows = new Set<number>();
  const visit = (parent: Node): void => {
    for (const child of parent.namedChildren) {
      rows.add(child.startPosition.row);
      if (
        span({ startRow: child.startPosition.row, endRow: lastRow(child) }) > context.maxChunkLines
      ) {
        visit(child);
      }
    }
  };
  visit(node);
  return rows;
}

/**
 * Splits rows `start..end` into pieces of at most `maxChunkLines` lines. Each cut is made at the
 * latest row in `preferred` that fits, else after the latest blank line that fits, else wherever
 * the limit falls; a cut leaving a piece under a quarter of the limit is not worth it (it would
 * hold little more than a signature). Pieces are trimmed of blank lines at both ends; none is
 * empty.
 */
function splitRows(
  context: Context,
  start: number,
  end: number,
  preferred: ReadonlySet<number>,
): [number, number][] {
  const { lines, maxChunkLines } = context;
  const pieces: [number, number][] = [];
  let cursor = start;
  while (cursor <= end) {
    let next = end + 1;
    if (end - cursor + 1 > maxChunkLines) {
      const limit = cursor + maxChunkLines;
      const earliest = cursor + Math.floor(maxChunkLines / 4);
      next =
        latestRow(limit, earliest, (row) => preferred.has(row)) ??
        latestRow(limit, earliest, (row) => isBlank(lines[row - 1]!)) ??
        limit;
    }
    const piece = trimBlank(lines, cursor, next - 1);
    if (piece !== null) pieces.push(piece);
    cursor = next;
  }
  return pieces;
}

/** The largest row in `(above, from]` passing `test`, or null. */
function latestRow(from: number, above: number, test: (row: number) => boolean): number | null {
  for (let row = from; row > above; row--) if (test(row)) return row;
  return null;
}
