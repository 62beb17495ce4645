import { neutralizePromptTags } from "./neutralize-prompt-tags.ts";
import { stripHiddenCharacters } from "./strip-hidden-characters.ts";

const HTML_COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
// Tags that hide their content from a rendered PR page.
const HIDDEN_BLOCKS = /<(details|summary)[^>]*>|<\/(details|summary)>/gi;
// A Markdown "comment": a link reference definition to `#`, which renders as nothing.
const MARKDOWN_COMMENT = /^ {0,3}\[[^\]\n]*\]:[ \t]*(?:#|<>)(?:[ \t].*)?$/gm;

/**
 * Prepares prose a PR author controls (title, description, branch names, commit messages,
 * replies) for the prompt: removes what a human reviewer would not see (HTML comments, Markdown
 * comments, zero-width, bidi and other hidden characters, collapsed `<details>` blocks' tags),
 * defuses the prompt's own tags in any spelling (neutralizePromptTags), so the text cannot close
 * its `<untrusted>` block early, and caps its length.
 *
 * Pure; the result may still say anything: it is data, and goes inside an `<untrusted>` block
 * (wrapUntrusted).
 */
export function sanitizeUntrusted(text: string | null | undefined, maxChars = 4000): string {
  if (!text) return "";
  let clean = stripHiddenCharacters(text).replace(/\r\n?/g, "\n");
  // Removing one comment can join the pieces of another (`<!-<!-- -->- x -->`): until none is left.
  for (let before = ""; before !== clean;) {
    before = clean;
    clean = clean.replace(HTML_COMMENT, "");
  }
  clean = neutralizePromptTags(clean.replace(HIDDEN_BLOCKS, "").replace(MARKDOWN_COMMENT, ""))
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  if (clean.length > maxChars) clean = `${clean.slice(0, maxChars)}\n[... truncated]`;
  return clean;
}
