import type { RepositoryLinks } from "./repository-links.ts";

/**
 * Whether outgoing text may link to `url`: only a page of the repository itself, on its GitHub
 * host, spelled plainly. The URL must start with `<origin>/<owner>/<repo>` (case-insensitive)
 * followed by `/`, `?`, `#` or nothing; anything a browser might resolve elsewhere is refused:
 * backslashes, whitespace, `..` segments, percent-encoded dots and slashes. Relative links are
 * refused (they resolve against whatever page shows the comment). With no `links`, nothing is
 * allowed. Pure.
 */
export function isAllowedLink(url: string, links: RepositoryLinks | undefined): boolean {
  if (!links) return false;
  const lower = url.toLowerCase();
  if (/[\\\s]|\.\.|%2e|%2f|%5c/.test(lower)) return false;
  const prefix = `${links.origin}/${links.owner}/${links.repo}`.toLowerCase();
  if (!lower.startsWith(prefix)) return false;
  const next = lower.charAt(prefix.length);
  return next === "" || "/?#".includes(next);
}
