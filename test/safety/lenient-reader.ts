/**
 * How an over-trusting model reads a prompt, written independently of src/safety so tests of the
 * wrapping do not grade the code with its own answers. It decodes whatever a model might decode
 * (HTML character references, JSON/JavaScript and URL escapes, fullwidth and other compatibility
 * forms), ignores invisible characters and case, and then takes any `<untrusted ...>` up to the
 * next closing tag, in any spelling with spaces, as the data; everything else is "outside" and,
 * to this reader, instructions.
 */

const NAMED: Record<string, string> = {
  lt: "<",
  gt: ">",
  sol: "/",
  lowbar: "_",
  hyphen: "-",
  dash: "-",
  nbsp: " ",
  quot: '"',
  amp: "&",
};

// Invisible to a person: format characters (Cf), controls but tab/newline, variation selectors,
// Hangul fillers, combining grapheme joiner, tag characters.
const INVISIBLE =
  // eslint-disable-next-line no-control-regex, no-misleading-character-class -- matching these is the point
  /[\p{Cf}\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u034F\u115F\u1160\u17B4\u17B5\u180B-\u180F\u3164\uFE00-\uFE0F\uFFA0\u{E0100}-\u{E01EF}]/gu;

/** The text as the reader understands it: decoded, folded, lower case, invisible characters gone. */
export function decodeLikeAModel(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);?|&#([0-9]+);?/gi, (_m, hex: string, dec: string) =>
      safeChar(hex ? parseInt(hex, 16) : parseInt(dec, 10)),
    )
    .replace(/&([a-z]+);?/gi, (m, name: string) => NAMED[name.toLowerCase()] ?? m)
    .replace(/\\u([0-9a-f]{4})|\\x([0-9a-f]{2})/gi, (_m, u: string, x: string) =>
      safeChar(parseInt(u ?? x, 16)),
    )
    .replace(/\\\//g, "/")
    .replace(/%([0-9a-f]{2})/gi, (_m, hex: string) => safeChar(parseInt(hex, 16)))
    .replace(/[\u2044\u2215]/g, "/")
    .normalize("NFKC")
    .replace(INVISIBLE, "")
    .toLowerCase();
}

function safeChar(code: number): string {
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : "";
}

const OPEN = /<\s*untrusted\b[^>]*>/g;
const CLOSE = /<\s*\/\s*untrusted\s*>?/g;

/** The parts of the prompt this reader takes as outside every `<untrusted>` block. */
export function outsideUntrusted(prompt: string): string {
  const text = decodeLikeAModel(prompt);
  let outside = "";
  let at = 0;
  for (;;) {
    OPEN.lastIndex = at;
    const open = OPEN.exec(text);
    if (!open) return outside + text.slice(at);
    outside += text.slice(at, open.index);
    CLOSE.lastIndex = open.index + open[0].length;
    const close = CLOSE.exec(text);
    if (!close) return outside; // an unclosed block runs to the end
    at = close.index + close[0].length;
  }
}

/** Every prompt tag (opening or closing) the reader finds in `text`, e.g. `</diff`. */
export function promptTagsIn(text: string): string[] {
  const names =
    "untrusted|diff|repository[\\s_-]*context|team[\\s_-]*memory|your[\\s_-]*comment|review[\\s_-]*thread|thread[\\s_-]*comment|file[\\s_-]*excerpt";
  return [
    ...decodeLikeAModel(text).matchAll(new RegExp(`<\\s*/?\\s*(?:${names})(?![a-z0-9])`, "g")),
  ].map((m) => m[0]);
}
