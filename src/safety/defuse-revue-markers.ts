/**
 * Revue finds its own comments again by hidden markers (`<!-- revue:summary -->`,
 * `<!-- revue:finding:<fingerprint> -->`, `<!-- revue:reply:<id> -->`, ...). A copy of one in text
 * Revue posts, even inside a code block where GitHub shows it, would be found too: it could make
 * Revue edit the wrong comment, or think a reply or a command already answered. This marks every
 * such copy as a quotation (`<!--(quoted) revue:summary -->`), which no marker search matches.
 * Pure and idempotent.
 */
export function defuseRevueMarkers(text: string): string {
  return text.replace(/<!--(?=\s*revue)/gi, "<!--(quoted)");
}
