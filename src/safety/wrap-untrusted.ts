import { neutralizePromptTags } from "./neutralize-prompt-tags.ts";
import { stripHiddenCharacters } from "./strip-hidden-characters.ts";

/**
 * Puts untrusted text in an `<untrusted>` block, the only way untrusted text may enter a prompt.
 * The block cannot be closed early: prompt tags inside are defused in any spelling
 * (neutralizePromptTags) and hidden characters are removed (stripHiddenCharacters; text that must
 * show them, such as code, escapes them first with escapeUntrustedLine). `source` says what the
 * text is ("pull request title and description"); it is Revue's own words, never the author's.
 * The text is kept as it is otherwise, line breaks included: a caller wanting the block on lines
 * of its own passes `\n${text}\n`.
 *
 * Pure.
 */
export function wrapUntrusted(text: string, source?: string): string {
  const attribute = source === undefined ? "" : ` source="${source.replace(/[^\w .,'()/-]/g, "")}"`;
  return `<untrusted${attribute}>${neutralizePromptTags(stripHiddenCharacters(text))}</untrusted>`;
}
