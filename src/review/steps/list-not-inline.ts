import { NOT_INLINE_NOTE } from "../render-review-texts.ts";
import type { ModelFinding } from "../render-comment.ts";

/**
 * The findings the summary lists because they are not inline, each with a note saying why, in this
 * order: over the inline limit, no line in the diff to attach to, refused by GitHub. Pure.
 */
export function listNotInline(
  overBudget: ModelFinding[],
  unanchored: ModelFinding[],
  rejected: ModelFinding[],
): { finding: ModelFinding; note: string }[] {
  return [
    ...overBudget.map((finding) => ({ finding, note: NOT_INLINE_NOTE.overBudget })),
    ...unanchored.map((finding) => ({ finding, note: NOT_INLINE_NOTE.unanchored })),
    ...rejected.map((finding) => ({ finding, note: NOT_INLINE_NOTE.rejected })),
  ];
}
