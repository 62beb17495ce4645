import type { FileDiff } from "../diff/format-diff.ts";

/** What retrieval needs to know about a diff. */
export type DiffNames = {
  /** Identifiers the changed lines use, most frequent first. */
  used: string[];
  /** Names the changed lines declare (functions, classes, types, methods, constants). */
  declared: string[];
  /** Per path, the old-side line ranges the diff shows (1-based, inclusive). */
  shownRanges: Map<string, [number, number][]>;
  /** Paths whose whole old content the diff shows (removed files). */
  removedPaths: Set<string>;
  /** The changed lines' text, for similarity search. */
  changedText: string;
};

const IDENTIFIER = /[A-Za-z_$][A-Za-z0-9_$]*/g;
const DECLARATION =
  /\b(?:function\*?|class|interface|type|enum|def|fn|func|struct|trait|module|const|let|var|impl)\s+(?:\([^)]*\)\s*)?([A-Za-z_$][A-Za-z0-9_$]*)/g;
const METHOD =
  /^\s*(?:(?:public|private|protected|static|async|override|readonly|get|set)\s+)*([A-Za-z_$][A-Za-z0-9_$]*)\s*(?:<[^>]*>)?\([^)]*\)\s*(?::[^={]+)?\{\s*$/;

/** Words that are syntax in some language, never names worth looking up. */
const KEYWORDS = new Set(
  `abstract and any as assert async await boolean break byte case catch char class const continue
  def default defer del delete do double elif else enum except export extends false final finally
  float fn for from func function get go if impl implements import in instanceof int interface is
  let long map match mod module mut native new nil none not null number object of or package pass
  private protected pub public raise readonly return self set short static str string struct super
  switch symbol synchronized this throw throws trait true try type typeof undefined unknown use var
  void volatile where while with yield err ctx req res string bool usize isize u8 u16 u32 u64 i32
  i64 f32 f64 todo fixme`.split(/\s+/),
);

/**
 * Reads the names a diff uses and declares, the old-side ranges it shows, and its changed text.
 * Names are identifiers of added and deleted lines (context lines are not the change), without
 * keywords and names shorter than three characters. Pure.
 */
export function readDiffNames(files: FileDiff[]): DiffNames {
  const counts = new Map<string, number>();
  const declared = new Set<string>();
  const shownRanges = new Map<string, [number, number][]>();
  const removedPaths = new Set<string>();
  const changed: string[] = [];
  for (const file of files) {
    const oldPath = file.previousPath ?? file.path;
    if (file.status === "removed") removedPaths.add(oldPath);
    const ranges: [number, number][] = [];
    for (const hunk of file.hunks) {
      if (hunk.oldLines > 0) ranges.push([hunk.oldStart, hunk.oldStart + hunk.oldLines - 1]);
      for (const line of hunk.lines) {
        if (line.kind === "context") continue;
        changed.push(line.text);
        for (const match of line.text.matchAll(IDENTIFIER)) {
          const name = match[0];
          if (name.length < 3 || KEYWORDS.has(name.toLowerCase())) continue;
          counts.set(name, (counts.get(name) ?? 0) + 1);
        }
        for (const match of line.text.matchAll(DECLARATION)) {
          if (!KEYWORDS.has(match[1]!.toLowerCase())) declared.add(match[1]!);
        }
        const method = METHOD.exec(line.text);
        if (method && !KEYWORDS.has(method[1]!.toLowerCase())) declared.add(method[1]!);
      }
    }
    shownRanges.set(oldPath, [...(shownRanges.get(oldPath) ?? []), ...ranges]);
  }
  const used = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([name]) => name);
  return {
    used,
    declared: [...declared],
    shownRanges,
    removedPaths,
    changedText: changed.join("\n"),
  };
}
