/** The longest body GitHub accepts for an issue comment, a review or a review comment. */
export const GITHUB_BODY_LIMIT = 65_536;

const trailingMarkers = /(?:\s*<!-- revue:[^>]*-->)+\s*$/;

/**
 * The body cut to what GitHub accepts (it refuses longer bodies with 422), with a line saying it
 * was cut. Revue's markers at the end (`<!-- revue:... -->`), which later reviews find the comment
 * by, are kept. Counts UTF-16 code units, as GitHub's limit does; a cut never splits a surrogate
 * pair.
 */
export function fitCommentBody(body: string, limit = GITHUB_BODY_LIMIT): string {
  if (body.length <= limit) return body;
  const markers = trailingMarkers.exec(body)?.[0] ?? "";
  const note = "\n\n… (cut here: GitHub allows 65,536 characters in a comment)";
  let end = Math.max(0, limit - markers.length - note.length);
  // Do not leave half of a surrogate pair at the end.
  const last = body.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return body.slice(0, end) + note + markers;
}
