import { describe, expect, it } from "vitest";
import { splitMarkdownCode } from "../../src/safety/split-markdown-code.ts";

const kinds = (text: string, fences = true) =>
  splitMarkdownCode(text, { fences }).map((p) => [p.kind, p.text]);

describe("splitMarkdownCode", () => {
  it("finds fenced blocks of backticks and tildes, and gives the text back", () => {
    const text = "a\n```js\nx @y\n```\nb\n~~~~\nz\n~~~~";
    expect(kinds(text)).toEqual([
      ["prose", "a\n"],
      ["code", "```js\nx @y\n```\n"],
      ["prose", "b\n"],
      ["code", "~~~~\nz\n~~~~"],
    ]);
    expect(
      splitMarkdownCode(text)
        .map((p) => p.text)
        .join(""),
    ).toBe(text);
  });

  it("closes an unclosed fence with its own fence", () => {
    expect(kinds("a\n````\ncode")).toEqual([
      ["prose", "a\n"],
      ["code", "````\ncode\n````"],
    ]);
  });

  it("does not take a shorter fence, or one indented four spaces, as the closing one", () => {
    expect(kinds("````\n```\n    ````\nx\n````")).toEqual([
      ["code", "````\n```\n    ````\nx\n````"],
    ]);
  });

  it("does not open a fence indented four spaces or with a backtick in its info string", () => {
    expect(kinds("    ```\n@a\n``` x`y")).toEqual([["prose", "    ```\n@a\n``` x`y"]]);
  });

  it("finds code spans of any length on one line, not escaped ones, not across lines", () => {
    expect(kinds("a `b` c ``d`e`` \\`f` g `h\ni`")).toEqual([
      ["prose", "a "],
      ["code", "`b`"],
      ["prose", " c "],
      ["code", "``d`e``"],
      ["prose", " \\`f"],
      ["code", "` g `"],
      ["prose", "h\ni`"],
    ]);
  });

  it("finds fences by default", () => {
    expect(splitMarkdownCode("```\nx\n```")).toEqual([{ kind: "code", text: "```\nx\n```" }]);
  });

  it("opens a tilde fence whatever its info string holds, and no fence of one or two tildes", () => {
    expect(kinds("~~~ x`y\n@a\n~~~")).toEqual([["code", "~~~ x`y\n@a\n~~~"]]);
    expect(kinds("~ not a fence\n~~ nor this\n@a")).toEqual([
      ["prose", "~ not a fence\n~~ nor this\n@a"],
    ]);
  });

  it("finds a code span at the very start and the very end, with no empty prose around it", () => {
    expect(kinds("`a` b `c`")).toEqual([
      ["code", "`a`"],
      ["prose", " b "],
      ["code", "`c`"],
    ]);
  });

  it("finds no fence when told the text sits inside a line", () => {
    expect(kinds("```\n@a\n```", false)).toEqual([["prose", "```\n@a\n```"]]);
  });
});
