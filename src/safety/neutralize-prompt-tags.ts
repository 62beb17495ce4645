import { HIDDEN_CHARACTERS } from "./strip-hidden-characters.ts";

/**
 * The tags Revue's prompts are built from (src/review/build-prompt.ts,
 * src/memory/build-reply-prompt.ts). Untrusted text must never open or close one of them. A new
 * tag in a prompt goes here too.
 */
export const PROMPT_TAGS = [
  "untrusted",
  "diff",
  "repository_context",
  "team_memory",
  "your_comment",
  "review_thread",
  "thread_comment",
  "file_excerpt",
] as const;

/** What takes the place of a defused tag's `<`: visibly a bracket to a person, no tag to a parser. */
export const DEFUSED_BRACKET = "\u2039"; // ‹ SINGLE LEFT-POINTING ANGLE QUOTATION MARK

/**
 * One unit of source text that a reader may decode to other characters: an HTML character
 * reference (named ones that can spell a tag, or numeric with or without `;`), a JSON/JavaScript
 * escape (`\u003c`, `\x3c`, `\/`), a URL escape (`%3C`), or one code point.
 */
const UNIT =
  /&(?:lt|gt|sol|lowbar|hyphen|dash|nbsp|tab|newline);?|&#(?:[xX][0-9a-fA-F]{1,6}|[0-9]{1,7});?|\\u[0-9a-fA-F]{4}|\\x[0-9a-fA-F]{2}|\\\/|%[0-9a-fA-F]{2}|[\s\S]/gu;

const NAMED: Record<string, string> = {
  lt: "<",
  gt: ">",
  sol: "/",
  lowbar: "_",
  hyphen: "-",
  dash: "-",
  nbsp: " ",
  tab: " ",
  newline: " ",
};

/** What a lenient reader takes `unit` for: lower case, compatibility forms folded, hidden dropped. */
function decodeUnit(unit: string): string {
  // Printable ASCII, the common case, fast (an ASCII control is hidden: it goes the long way).
  if (unit.length === 1 && unit >= " " && unit <= "~") return unit.toLowerCase();
  let decoded = unit;
  const named = /^&([a-z]+);?$/i.exec(unit);
  const numeric = /^&#(x?)([0-9a-f]+);?$/i.exec(unit);
  const escaped = /^(?:\\u|\\x|%)([0-9a-f]+)$/i.exec(unit);
  if (named) decoded = NAMED[named[1]!.toLowerCase()] ?? unit;
  else if (numeric) decoded = fromCodePoint(parseInt(numeric[2]!, numeric[1] ? 16 : 10));
  else if (escaped) decoded = fromCodePoint(parseInt(escaped[1]!, 16));
  else if (unit === "\\/") decoded = "/";
  decoded = decoded.replace(HIDDEN_CHARACTERS, "").replace(/[\u2044\u2215]/g, "/");
  return decoded.normalize("NFKC").toLowerCase();
}

function fromCodePoint(codePoint: number): string {
  return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : "";
}

/** Every spelling of `<` that decodeUnit reads as `<`: where a prompt tag can start. */
const OPENER =
  /<|\uFF1C|\uFE64|&lt;?|&#0*60(?![0-9]);?|&#[xX]0*3[cC](?![0-9a-fA-F]);?|\\u003[cC]|\\x3[cC]|%3[cC]/g;

/** After the `<`: an optional `/` and a prompt tag's name, spaces anywhere between, then no letter. */
const NAME_AFTER_OPENER = new RegExp(
  `^\\s*(?:/\\s*)?(?:${PROMPT_TAGS.map((name) => name.split("_").join("[\\s_-]*")).join("|")})(?![a-z0-9])`,
);

/** Characters a tag name (and the slash and separators before and in it) is made of, decoded. */
const TAG_ALPHABET = /^[a-z0-9\s/_-]$/;

/** UNIT, matched at a given position (lastIndex); a module-level instance, synchronous use only. */
const STICKY_UNIT = new RegExp(UNIT.source, "uy");

/** Enough decoded characters after a `<` to hold the longest name with its separators. */
const WINDOW = 48;

/**
 * Decodes what follows a `<` (ending at `from`) the way a lenient reader would, up to WINDOW
 * characters or the first character no tag name contains. A run of separators counts as one: a
 * space if it is all spaces (a name may follow), else `_` (it may join a name's words, however
 * long the run).
 */
function decodedAfter(text: string, from: number): string {
  const unit = STICKY_UNIT;
  unit.lastIndex = from;
  let window = "";
  while (window.length < WINDOW) {
    const match = unit.exec(text);
    if (!match) break;
    for (const char of decodeUnit(match[0])) {
      if (!TAG_ALPHABET.test(char)) return window + char;
      const separator = /\s/.test(char) ? " " : /[_-]/.test(char) ? "_" : "";
      if (separator === "") window += char;
      else if (!/[ _]$/.test(window)) window += separator;
      else if (separator === "_") window = `${window.slice(0, -1)}_`;
    }
  }
  return window;
}

/**
 * Defuses every opening or closing tag of PROMPT_TAGS in untrusted text, however it is spelled:
 * any case, spaces around the slash and the name, attributes, `_`, `-`, spaces or nothing between
 * the words of a name, invisible characters anywhere in it, HTML character references (`&lt;`,
 * `&#60;`, `&#x3C;`, `&sol;`, `&#117;`), fullwidth and small forms (`＜`, `﹤`, `／`, `ｄｉｆｆ`),
 * JSON/JavaScript and URL escapes (`\u003c`, `\x3c`, `\/`, `%3C`). The `<` (in whichever
 * spelling) that opens the tag becomes DEFUSED_BRACKET; everything else is left as it is, so code
 * stays readable (`</diff>` becomes `‹/diff>`) and nothing between tags is lost.
 *
 * Each `<` is followed for at most WINDOW decoded characters (plus the separators of a run), so
 * the cost is linear in the text. Pure and idempotent; never throws.
 */
export function neutralizePromptTags(text: string): string {
  let out = "";
  let at = 0;
  for (const match of text.matchAll(OPENER)) {
    const end = match.index + match[0].length;
    if (!NAME_AFTER_OPENER.test(decodedAfter(text, end))) continue;
    out += text.slice(at, match.index) + DEFUSED_BRACKET;
    at = end;
  }
  return out + text.slice(at);
}
