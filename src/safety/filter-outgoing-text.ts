import { defuseRevueMarkers } from "./defuse-revue-markers.ts";
import { inlineCode } from "./inline-code.ts";
import { isAllowedLink } from "./is-allowed-link.ts";
import { isApprovalOnly } from "./is-approval-only.ts";
import type { RepositoryLinks } from "./repository-links.ts";
import { redactSecrets } from "./scan-secrets.ts";
import { splitMarkdownCode } from "./split-markdown-code.ts";
import { stripHiddenCharacters } from "./strip-hidden-characters.ts";

/**
 * What outgoing text is checked against: the repository whose pages it may link to (none when
 * absent: then no link is kept), Revue's own secrets to redact besides common token formats, and
 * whether the text goes inside a line Revue writes (`inline`: a title after its label, a table
 * cell), where it is put on one line and no fence can open a code block.
 */
export type OutgoingPolicy = {
  links?: RepositoryLinks;
  ownSecrets?: readonly string[];
  inline?: boolean;
};

const HTML_COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
const REFERENCE_DEFINITION = /^ {0,3}\[[^\]\n]+\]:.*$/gm;
const LINK_TEXT = String.raw`\[((?:[^\[\]\\\n]|\\.|\[[^\[\]\n]*\])*)\]`;
const DESTINATION = String.raw`\(\s*(<[^<>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+(?:"[^"\n]*"|'[^'\n]*'|\([^()\n]*\)))?\s*\)`;
const IMAGE = new RegExp(`!${LINK_TEXT}${DESTINATION}`, "g");
const LINK = new RegExp(`${LINK_TEXT}${DESTINATION}`, "g");
const BARE_URL = /\b(?:[a-z][a-z0-9+.-]*:\/\/|www\.)[^\s<>`"]+|\b(?:mailto|xmpp):[^\s<>`"]+/gi;
const EMAIL = /[\w.+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+/gi;
const CROSS_REFERENCE = /(?<![\w/.-])([a-z0-9][\w.-]*)\/([\w.-]+)(?:#\d+|@[0-9a-f]{7,40})\b/gi;
const MENTION = /(?<![a-z0-9`])\\?@[a-z0-9][a-z0-9-]*(?:\/[a-z0-9][\w.-]*)?/gi;
// Character references other than these four could spell `@`, `<` or `!` (`&#64;`, `&commat;`).
const CHARACTER_REFERENCE = /&(?!(?:amp|lt|gt|quot);)/g;
// Fenced blocks GitHub renders as something other than code (diagrams, maps, models, math).
const RENDERED_FENCE = /^( {0,3}(?:`{3,}|~{3,})[ \t]*)(?:mermaid|geojson|topojson|stl|math)\b.*$/im;
// Where Revue keeps text it has already made safe while the rest is rewritten.
const HELD = /\uE000(\d+)\uE001/g;

/**
 * Makes text a model wrote safe to post on GitHub, whatever the model was told. In prose:
 * - no images (`![..](..)` becomes "(image removed)"; any other `![` is escaped, never an image);
 * - links only to the repository's own pages (isAllowedLink, titles dropped); another link keeps
 *   its text, a bare URL or email address is shown as code, never a link; reference definitions
 *   are removed and `](`/`]:` escaped, so no other link syntax survives;
 * - no @-mention of a user or team, and no reference to another repository's issues or commits:
 *   shown as code (`@org/team`), so nobody is notified;
 * - no HTML: `<` is escaped, so no tag renders or hides content (`<details>`, `<img>`); HTML
 *   comments are removed; character references other than `&amp;` `&lt;` `&gt;` `&quot;` are
 *   escaped (`&#64;` would turn back into `@`);
 * - hidden characters removed; secrets redacted (redactSecrets, with policy.ownSecrets);
 * - text that is only an approval ("APPROVE. LGTM") becomes "" (isApprovalOnly).
 * In code (fenced blocks, code spans; splitMarkdownCode), text is shown as typed, so it is kept,
 * except copies of Revue's markers (defuseRevueMarkers) and fences GitHub would render as a
 * diagram or map. An unclosed fence is closed. Revue appends its own markers and `<details>`
 * after this filter, never before.
 *
 * Pure and idempotent; never throws.
 */
export function filterOutgoingText(text: string, policy: OutgoingPolicy = {}): string {
  let clean = stripHiddenCharacters(redactSecrets(text, policy.ownSecrets ?? []).text).replace(
    /[\uE000\uE001]/g,
    "",
  );
  if (policy.inline) clean = clean.replace(/\s*[\r\n]\s*/g, " ");
  const pieces = splitMarkdownCode(clean, { fences: !policy.inline }).map((piece) =>
    piece.kind === "code"
      ? { ...piece, text: filterCode(piece.text) }
      : { ...piece, text: filterProse(piece.text, policy.links) },
  );
  const onlyProse = pieces.every((piece) => piece.kind === "prose");
  if (onlyProse && isApprovalOnly(pieces.map((piece) => piece.text).join(" "))) return "";
  return pieces.map((piece) => piece.text).join("");
}

/**
 * A fenced block's diagram fence becomes a text fence; a code span (one line) is left whole, since
 * rewriting "```mermaid```" to "```text" would open a block that swallows what follows.
 */
function filterCode(code: string): string {
  const defused = defuseRevueMarkers(code);
  return defused.includes("\n") ? defused.replace(RENDERED_FENCE, "$1text") : defused;
}

function filterProse(text: string, links: RepositoryLinks | undefined): string {
  const held: string[] = [];
  const hold = (safe: string) => `\uE000${held.push(safe) - 1}\uE001`;
  let out = text;
  for (let before = ""; before !== out;) {
    before = out;
    out = out.replace(HTML_COMMENT, "");
  }
  out = out
    .replace(REFERENCE_DEFINITION, "")
    .replace(IMAGE, "(image removed)")
    .replace(LINK, (_link, label: string, destination: string) => {
      const url = destination.replace(/^<|>$/g, "");
      return isAllowedLink(url, links) ? `[${label}${hold(`](${url})`)}` : label;
    })
    .replace(BARE_URL, (match) => {
      const url = match.replace(/[.,:;!?)\]*_'"]+$/, "");
      const rest = match.slice(url.length);
      return (isAllowedLink(url, links) ? hold(url) : hold(inlineCode(url))) + rest;
    })
    .replace(EMAIL, (email) => hold(inlineCode(email)))
    .replace(CROSS_REFERENCE, (reference, owner: string, repo: string) =>
      links &&
      owner.toLowerCase() === links.owner.toLowerCase() &&
      repo.toLowerCase() === links.repo.toLowerCase()
        ? reference
        : hold(inlineCode(reference)),
    )
    .replace(MENTION, (mention) => hold(inlineCode(mention.replace(/^\\/, ""))))
    .replace(CHARACTER_REFERENCE, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/!\[/g, "!\\[")
    .replace(/\]\(/g, "]\\(")
    .replace(/\]:/g, "]\\:");
  // A backslash before a held code span would escape its opening backtick.
  return out
    .replace(/\\(?=\uE000)/g, "\\ ")
    .replace(HELD, (_m, index: string) => held[Number(index)]!);
}
