import { describe, expect, it } from "vitest";
import { parsePatch } from "../../src/diff/parse-patch.ts";
import { splitGitDiff } from "../../src/diff/split-git-diff.ts";

const DIFF = `diff --git a/src/a.ts b/src/a.ts
index 1111111..2222222 100644
--- a/src/a.ts
+++ b/src/a.ts
@@ -1,3 +1,3 @@
 one
-two
+TWO
 three
diff --git a/new.md b/new.md
new file mode 100644
index 0000000..3333333
--- /dev/null
+++ b/new.md
@@ -0,0 +1,2 @@
+# New
+--- not a header once a hunk has begun
diff --git a/gone.txt b/gone.txt
deleted file mode 100644
index 4444444..0000000
--- a/gone.txt
+++ /dev/null
@@ -1 +0,0 @@
-bye
diff --git a/old name.ts b/new name.ts
similarity index 90%
rename from old name.ts
rename to new name.ts
index 5555555..6666666 100644
--- a/old name.ts
+++ b/new name.ts
@@ -1 +1 @@
-const x = 1;
+const x = 2;
diff --git a/moved.ts b/dir/moved.ts
similarity index 100%
rename from moved.ts
rename to dir/moved.ts
diff --git a/logo.png b/logo.png
new file mode 100644
index 0000000..7777777
Binary files /dev/null and b/logo.png differ
`;

describe("splitGitDiff", () => {
  it("reads each file's path, status, counts and patch as GitHub's files API gives them", () => {
    const files = splitGitDiff(DIFF);
    expect(
      files.map((f) => [f.filename, f.status, f.previous_filename, f.additions, f.deletions]),
    ).toEqual([
      ["src/a.ts", "modified", undefined, 1, 1],
      ["new.md", "added", undefined, 2, 0],
      ["gone.txt", "removed", undefined, 0, 1],
      ["new name.ts", "renamed", "old name.ts", 1, 1],
      ["dir/moved.ts", "renamed", "moved.ts", 0, 0],
      ["logo.png", "added", undefined, 0, 0],
    ]);
    expect(files[0]!.patch).toBe("@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three");
    // A pure rename and a binary file have no patch, as on GitHub.
    expect(files[4]!.patch).toBeUndefined();
    expect(files[5]!.patch).toBeUndefined();
    // Every patch is one the pipeline's parser reads.
    for (const file of files) if (file.patch) expect(() => parsePatch(file.patch!)).not.toThrow();
    expect(parsePatch(files[1]!.patch!)[0]!.lines[1]!.text).toBe(
      "--- not a header once a hunk has begun",
    );
  });

  it("reads nothing from an empty diff", () => {
    expect(splitGitDiff("")).toEqual([]);
  });
});
