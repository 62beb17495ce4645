import type { FileDiff } from "../../diff/format-diff.ts";
import { parsePatch, PatchParseError } from "../../diff/parse-patch.ts";
import type { ChangedFile } from "../filter-files.ts";

/**
 * Parses the changed files' patches, in order. A file without a patch (binary, too large for
 * GitHub) is left out silently (the filter already reported it); a patch that cannot be parsed is
 * listed in `unparsable` with the reason, never fatal. Throws only what is not a PatchParseError.
 */
export function toFileDiffs(files: ChangedFile[]): {
  diffs: FileDiff[];
  unparsable: { path: string; reason: string }[];
} {
  const diffs: FileDiff[] = [];
  const unparsable: { path: string; reason: string }[] = [];
  for (const file of files) {
    if (file.patch === undefined) continue;
    try {
      diffs.push({
        path: file.filename,
        previousPath: file.previous_filename,
        status: file.status,
        hunks: parsePatch(file.patch),
      });
    } catch (error) {
      if (!(error instanceof PatchParseError)) throw error;
      unparsable.push({ path: file.filename, reason: "its patch could not be parsed" });
    }
  }
  return { diffs, unparsable };
}
