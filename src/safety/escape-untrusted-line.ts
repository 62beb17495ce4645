import { neutralizePromptTags } from "./neutralize-prompt-tags.ts";
import { HIDDEN_CHARACTERS } from "./strip-hidden-characters.ts";

/** Hidden characters, and line breaks of any kind: one line must stay one line. */
const REVEALED = new RegExp(`${HIDDEN_CHARACTERS.source}|[\\n\\r\\u2028\\u2029]`, "gu");

/**
 * Makes one line of untrusted text safe to show verbatim in a prompt: a line of code from a
 * diff, a file name, a hunk header, a branch name. Prompt tags are defused (neutralizePromptTags)
 * and every hidden character or line break is shown as `[U+XXXX]` instead of being removed: in
 * code, an invisible character is itself worth a reviewer's attention (bidi overrides hide code,
 * "Trojan Source"), and a file name with a newline must not start a line of its own. Tabs stay.
 *
 * Pure; the result never contains a line break.
 */
export function escapeUntrustedLine(text: string): string {
  return neutralizePromptTags(text).replace(
    REVEALED,
    (char) => `[U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}]`,
  );
}
