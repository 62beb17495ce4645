// Zero-width and bidirectional control characters: invisible to a reader, visible to a model.
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u00AD\u180E]/g;
const HTML_COMMENT = /<!--[\s\S]*?(-->|$)/g;
// Tags that hide their content from a rendered PR page.
const HIDDEN_BLOCKS = /<(details|summary)[^>]*>|<\/(details|summary)>/gi;

/**
 * Prepares text a PR author controls (title, description, comments) for the prompt: removes what
 * a human reviewer would not see (HTML comments, zero-width and bidi characters), neutralises our
 * own delimiters so the text cannot close its block early, and caps its length.
 */
export function sanitizeUntrusted(text: string | null | undefined, maxChars = 4000): string {
  if (!text) return "";
  let clean = text.replace(HTML_COMMENT, "").replace(INVISIBLE, "").replace(HIDDEN_BLOCKS, "");
  clean = clean.replace(/<\/?untrusted[^>]*>/gi, "[removed tag]");
  clean = clean
    .replace(/\r\n?/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  if (clean.length > maxChars) clean = `${clean.slice(0, maxChars)}\n[... truncated]`;
  return clean;
}
