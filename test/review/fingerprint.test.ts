import { describe, it, expect } from "vitest";
import { fingerprintFinding } from "../../src/review/fingerprint.ts";

const base = {
  path: "src/load.ts",
  quotedCode: "const data = fs.readFileSync(path);\nif (!data) {",
  title: "Blocking read in an async handler",
};

const fingerprint = (overrides: Partial<typeof base> = {}): string =>
  fingerprintFinding({ ...base, ...overrides });

describe("fingerprintFinding", () => {
  it("is 32 hex characters, the same every time for the same finding", () => {
    expect(fingerprint()).toMatch(/^[0-9a-f]{32}$/);
    expect(fingerprint()).toBe(fingerprint());
  });

  it("pins the value stored for existing findings: changing the recipe re-posts them all", () => {
    // Findings already in the database carry fingerprints made this way; a change here makes every
    // open finding look new on the next push (posted again) and forgets every dismissal.
    expect(fingerprint()).toBe("14516e1884589207303b50fb4e0189cf");
  });

  it("ignores what moves between pushes: line numbers and other fields", () => {
    const moved = { ...base, line: 40, startLine: 38, side: "RIGHT", severity: "major" };
    expect(fingerprintFinding(moved)).toBe(fingerprint());
  });

  it("ignores whitespace in the quoted code: indentation, runs of spaces, blank lines, CRLF", () => {
    for (const quotedCode of [
      "    const data = fs.readFileSync(path);\n    if (!data) {",
      "const  data =\tfs.readFileSync(path);   \n\n\nif (!data) {\n",
      "\nconst data = fs.readFileSync(path);\r\nif (!data) {\r\n",
    ]) {
      expect(fingerprint({ quotedCode }), JSON.stringify(quotedCode)).toBe(fingerprint());
    }
  });

  it("ignores case, punctuation and spacing in the title", () => {
    for (const title of [
      "blocking read in an async handler",
      "Blocking read, in an async handler!",
      "  BLOCKING   READ in an async-handler ",
      "Blocking read in an `async` handler.",
    ]) {
      expect(fingerprint({ title }), title).toBe(fingerprint());
    }
  });

  it("tells apart findings that differ in path, code (case included) or title", () => {
    const variants = [
      fingerprint(),
      fingerprint({ path: "src/save.ts" }),
      fingerprint({ path: "lib/src/load.ts" }),
      fingerprint({ quotedCode: "const data = fs.readFileSync(path);" }),
      fingerprint({ quotedCode: "const Data = fs.readFileSync(path);\nif (!Data) {" }),
      fingerprint({ quotedCode: "const data = fs.readFileSync(path);if (!data) {" }),
      fingerprint({ title: "Blocking read in a sync handler" }),
      fingerprint({ title: "Missing error handling" }),
    ];
    expect(new Set(variants).size).toBe(variants.length);
  });

  it("keeps the parts apart: moving text between path, code and title changes the fingerprint", () => {
    const a = fingerprintFinding({ path: "a", quotedCode: "b c", title: "d" });
    const b = fingerprintFinding({ path: "a b", quotedCode: "c", title: "d" });
    const c = fingerprintFinding({ path: "a", quotedCode: "b", title: "c d" });
    expect(new Set([a, b, c]).size).toBe(3);
  });

  it("tells apart titles written in any script, not only in English", () => {
    // Reviews can be written in the repository's language (.github/revue.yml `language`).
    const titles = [
      "読み込みがブロックする",
      "エラー処理がない",
      "Блокирующее чтение",
      "Нет обработки ошибок",
      "Fehlende Prüfung",
      "Fehlende Prüfüng",
      "قراءة متزامنة",
    ];
    const fingerprints = titles.map((title) => fingerprint({ title }));
    expect(new Set(fingerprints).size).toBe(titles.length);
    // Still blind to case and punctuation there.
    expect(fingerprint({ title: "БЛОКИРУЮЩЕЕ ЧТЕНИЕ!" })).toBe(fingerprint({ title: titles[2] }));
    expect(fingerprint({ title: "Fehlende Pru\u0308fung" })).toBe(
      fingerprint({ title: titles[4] }),
    );
  });
});
