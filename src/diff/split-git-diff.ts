/**
 * One file of a `git diff`, in the shape of GitHub's "list pull request files" entries, so that
 * the review pipeline's filter and parser take it as they take GitHub's: `patch` starts at the
 * first `@@` and is absent for a binary file or a rename without changes.
 */
export type GitDiffFile = {
  filename: string;
  previous_filename?: string;
  status: "added" | "removed" | "modified" | "renamed" | "copied";
  additions: number;
  deletions: number;
  changes: number;
  patch?: string;
};

/**
 * Splits the output of `git diff --no-color --no-ext-diff -M` into its files. Paths are read from
 * the `diff --git`, `rename`/`copy`, `---` and `+++` lines; run git with `-c core.quotePath=false`
 * so that non-ASCII names are not quoted (a name git still quotes, one with a tab or a newline,
 * keeps its quotes). Pure; a file git reports as binary has no patch.
 */
export function splitGitDiff(text: string): GitDiffFile[] {
  const files: GitDiffFile[] = [];
  const sections = text.split(/^(?=diff --git )/m).filter((s) => s.startsWith("diff --git "));
  for (const section of sections) {
    const lines = section.replace(/\n$/, "").split("\n");
    const header = /^diff --git a\/(.*) b\/(.*)$/.exec(lines[0]!);
    let oldPath = header?.[1] ?? "";
    let newPath = header?.[2] ?? "";
    let status: GitDiffFile["status"] = "modified";
    let firstHunk = lines.findIndex((line) => line.startsWith("@@"));
    if (firstHunk === -1) firstHunk = lines.length;
    for (const line of lines.slice(1, firstHunk)) {
      if (line.startsWith("new file mode")) status = "added";
      else if (line.startsWith("deleted file mode")) status = "removed";
      else if (line.startsWith("rename from ")) {
        status = "renamed";
        oldPath = line.slice("rename from ".length);
      } else if (line.startsWith("rename to ")) newPath = line.slice("rename to ".length);
      else if (line.startsWith("copy from ")) {
        status = "copied";
        oldPath = line.slice("copy from ".length);
      } else if (line.startsWith("copy to ")) newPath = line.slice("copy to ".length);
      else if (line.startsWith("--- a/")) oldPath = line.slice("--- a/".length);
      else if (line.startsWith("+++ b/")) newPath = line.slice("+++ b/".length);
    }
    const hunkLines = lines.slice(firstHunk);
    const additions = hunkLines.filter((l) => l.startsWith("+")).length;
    const deletions = hunkLines.filter((l) => l.startsWith("-")).length;
    const filename = status === "removed" ? oldPath : newPath;
    files.push({
      filename,
      ...(status === "renamed" || status === "copied" ? { previous_filename: oldPath } : {}),
      status,
      additions,
      deletions,
      changes: additions + deletions,
      ...(hunkLines.length > 0 ? { patch: hunkLines.join("\n") } : {}),
    });
  }
  return files;
}
