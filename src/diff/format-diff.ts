import { escapeUntrustedLine } from "../safety/escape-untrusted-line.ts";
import type { Hunk } from "./parse-patch.ts";

/**
 * One changed file of a pull request. `status` is GitHub's "list pull request files" status;
 * `previousPath` is set for renamed and copied files (GitHub's `previous_filename`). `hunks` is
 * `parsePatch(patch)`, or [] when GitHub sends no patch (binary file, pure rename, diff too large).
 */
export type FileDiff = {
  path: string;
  previousPath?: string;
  status: "added" | "removed" | "modified" | "renamed" | "copied" | "changed" | "unchanged";
  hunks: Hunk[];
};

/**
 * Renders one file's diff for the model prompt with every line numbered, so the model never has to
 * count lines from a hunk header (and cannot miscount). Example:
 *
 *     ### src/app.ts (renamed, renamed from src/main.ts)
 *     @@ -8,4 +8,5 @@ function start()
 *     R8    const port = readPort();
 *     L9  - listen(port);
 *     R9  + const server = listen(port);
 *     R10 + server.unref();
 *     R11   log("started");
 *
 * The prompt explains: "R12 means line 12 of the new file (side RIGHT); L7 means line 7 of the old
 * file (side LEFT)". An added line is `R<new> + text`, a deleted line `L<old> - text`, and a context
 * line `R<new>   text`: it exists on both sides but review comments go on the new side. The label
 * is padded to the widest label of its hunk so the code lines up; a line with empty text has no
 * trailing spaces. The hunk header is always written with both counts. The heading names the old
 * path of a renamed file ("copied from" for a copy). A file without hunks gets its heading and the
 * line "(no textual diff)".
 *
 * Everything in it but Revue's own labels comes from the pull request: the paths, the hunk
 * headers' text and every line go through escapeUntrustedLine, so a file name with a newline
 * stays on its heading, `</diff>` or `</untrusted>` on an added line is defused, and hidden
 * characters show as `[U+XXXX]`. The caller still wraps the result (wrapUntrusted).
 *
 * Pure; the output ends without a newline.
 */
export function formatFileDiff(file: FileDiff): string {
  const origin =
    file.previousPath === undefined || file.previousPath === file.path
      ? ""
      : `, ${file.status === "copied" ? "copied" : "renamed"} from ${escapeUntrustedLine(file.previousPath)}`;
  const out = [`### ${escapeUntrustedLine(file.path)} (${file.status}${origin})`];
  if (file.hunks.length === 0) out.push("(no textual diff)");
  for (const hunk of file.hunks) {
    const heading = hunk.header === "" ? "" : ` ${escapeUntrustedLine(hunk.header)}`;
    out.push(
      `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@${heading}`,
    );
    const labelled = hunk.lines.map((line) => {
      switch (line.kind) {
        case "add":
          return { label: `R${line.newLine}`, marker: "+", text: line.text };
        case "delete":
          return { label: `L${line.oldLine}`, marker: "-", text: line.text };
        case "context":
          return { label: `R${line.newLine}`, marker: " ", text: line.text };
      }
    });
    const width = Math.max(0, ...labelled.map(({ label }) => label.length));
    for (const { label, marker, text } of labelled) {
      const row = `${label.padEnd(width)} ${marker}`;
      out.push(text === "" ? row.trimEnd() : `${row} ${escapeUntrustedLine(text)}`);
    }
  }
  return out.join("\n");
}
