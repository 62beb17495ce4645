/**
 * An independent check of text Revue posts (written apart from src/safety/filter-outgoing-text.ts,
 * so the filter is not graded with its own answers): lists each thing that must not be there.
 * Code (fenced blocks and one-line code spans) is shown as typed by GitHub, so only copies of
 * Revue's markers and hidden characters count there. With `revueBody`, the constructs Revue
 * itself adds around the model's text (its markers, the summary's `<details>` sections and
 * footer) are allowed, once each, where Revue puts them.
 */
export function outgoingViolations(
  body: string,
  links: { origin: string; owner: string; repo: string },
  options: { revueBody?: boolean } = {},
): string[] {
  const found: string[] = [];
  let text = body;
  if (options.revueBody) {
    text = text
      .replace(/^<!-- revue:summary -->\n/, "")
      .replace(/\n\n<!-- revue:(finding:[0-9a-f]+|review:\d+|reply:\d+) -->$/, "")
      .replace(/^<details><summary>[A-Za-z ]+(\(\d+( files)?\))?<\/summary>$/gm, "")
      .replace(/^<\/details>$/gm, "")
      .replace(/^<sub>[^<>\n]*<\/sub>$/m, "");
  }
  if (/[\p{Cf}\uFE00-\uFE0F\u{E0100}-\u{E01EF}]/u.test(text)) found.push("hidden character");
  if (/<!--\s*revue/i.test(text)) found.push("copy of a Revue marker");

  const prose = text
    .replace(/^ {0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:\n {0,3}\1[`~]*[ \t]*(?=\n|$)|$)/gm, " ")
    .replace(/(?<![`\\])(`+)(?!`)[^\n]*?(?<!`)\1(?!`)/g, " ");
  const rules: [string, RegExp][] = [
    ["image", /(?<!\\)!\[|<\s*img/i],
    ["raw HTML or comment", /<[a-z!/?]/i],
    ["character reference", /&(?!(?:amp|lt|gt|quot);)#?[a-z0-9]+;?/i],
    ["mention", /(?<![a-z0-9])@[a-z0-9]/i],
    ["email address", /[\w.+-]@[a-z0-9-]+\.[a-z]/i],
    ["reference definition", /^ {0,3}\[[^\]\n]+\]:/m],
  ];
  for (const [name, pattern] of rules) if (pattern.test(prose)) found.push(name);

  const own = `${links.origin}/${links.owner}/${links.repo}`.toLowerCase();
  const allowed = (url: string) => {
    const lower = url.toLowerCase();
    return (
      lower.startsWith(own) && /^([/?#]|$)/.test(lower.slice(own.length)) && !lower.includes("..")
    );
  };
  for (const match of prose.matchAll(/(?<!\\)\]\(\s*<?([^\s)>]*)/g)) {
    if (!allowed(match[1]!)) found.push(`link to ${match[1]}`);
  }
  for (const match of prose.matchAll(/\b(?:[a-z][a-z0-9+.-]*:\/\/|www\.)[^\s<>)\]]+/gi)) {
    if (!allowed(match[0].replace(/[.,:;!?*_'"]+$/, ""))) found.push(`URL ${match[0]}`);
  }
  return found;
}
