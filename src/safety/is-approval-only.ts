/** Words (and emoji, shortcodes) that approval text is made of, and nothing a finding needs. */
const APPROVAL_VOCABULARY = new Set([
  "approve",
  "approved",
  "approves",
  "approving",
  "approval",
  "lgtm",
  "sgtm",
  "looks",
  "look",
  "good",
  "great",
  "fine",
  "ok",
  "okay",
  "to",
  "me",
  "us",
  "ship",
  "shipit",
  "it",
  "this",
  "the",
  "pr",
  "pull",
  "request",
  "change",
  "changes",
  "is",
  "are",
  "can",
  "be",
  "merged",
  "merge",
  "ready",
  "go",
  "i",
  "we",
  "all",
  "set",
  "event",
  "review",
  "status",
  "+1",
  ":+1:",
  ":shipit:",
  ":thumbsup:",
  ":white_check_mark:",
  ":heavy_check_mark:",
  ":rocket:",
  "👍",
  "✅",
  "✔",
  "✔️",
  "🚀",
  "🎉",
]);

/** Words that make such text a verdict, as "looks good" does; "ok" or "it is fine" alone do not. */
const VERDICT = new Set([
  "approve",
  "approved",
  "approves",
  "approving",
  "approval",
  "lgtm",
  "sgtm",
  "shipit",
  "ship",
  "merge",
  "merged",
  "+1",
  ":+1:",
  ":shipit:",
  ":thumbsup:",
  ":white_check_mark:",
  "👍",
  "✅",
]);

/**
 * Whether `prose` is only an approval ("APPROVE. LGTM", "Looks good to me, ship it 👍"): every
 * word of it is from APPROVAL_VOCABULARY and one of them is a verdict. Such text is dropped from
 * what Revue posts: Revue never approves (its reviews are always COMMENT) and must not look as if
 * it did. Text with any other word is kept whatever it says. Pure.
 */
export function isApprovalOnly(prose: string): boolean {
  const words = prose
    .toLowerCase()
    .match(/:[a-z0-9_+-]+:|[a-z0-9+]+|\p{Extended_Pictographic}\uFE0F?/gu);
  if (!words || words.length === 0) return false;
  const verdict = words.some((w) => VERDICT.has(w)) || /\blooks? (good|great|fine)\b/i.test(prose);
  return words.every((w) => APPROVAL_VOCABULARY.has(w)) && verdict;
}
