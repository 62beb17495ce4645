import { describe, expect, it } from "vitest";
import { fingerprintFinding } from "../../../src/review/fingerprint.ts";
import { buildFindingRows } from "../../../src/review/steps/build-finding-rows.ts";
import { INJECTION_FINDING, NIT_FINDING } from "../../helpers/fixtures.ts";

const target = {
  installationId: 1,
  repositoryId: 186853002,
  pullNumber: 2,
  reviewId: 17,
  headSha: "h".repeat(40),
};

const common = {
  review_id: 17,
  installation_id: 1,
  repository_id: 186853002,
  pull_number: 2,
  head_sha: "h".repeat(40),
};

describe("buildFindingRows", () => {
  it("stores an inline finding open with its comment id, the others as summary", () => {
    const posted = { ...INJECTION_FINDING, fingerprint: "f".repeat(32) };
    const unplaced = { ...INJECTION_FINDING, title: "Also here", path: "src/other.js" };
    const folded = { ...NIT_FINDING, fingerprint: "n".repeat(32) };
    const rows = buildFindingRows(
      target,
      { posted: [{ finding: posted }], notInline: [{ finding: unplaced }], folded: [folded] },
      new Map([["f".repeat(32), 9001]]),
    );
    expect(rows).toEqual([
      {
        ...common,
        fingerprint: "f".repeat(32),
        path: "src/app.js",
        side: "RIGHT",
        start_line: null,
        line: 6,
        severity: "critical",
        category: "security",
        title: INJECTION_FINDING.title,
        body: INJECTION_FINDING.explanation,
        quoted_code: INJECTION_FINDING.quotedCode,
        suggestion: INJECTION_FINDING.replacement,
        status: "open",
        github_comment_id: 9001,
      },
      {
        ...common,
        // A finding not placed inline may have no fingerprint yet: it gets the one of its quote.
        fingerprint: fingerprintFinding(unplaced),
        path: "src/other.js",
        side: "RIGHT",
        start_line: null,
        line: 6,
        severity: "critical",
        category: "security",
        title: "Also here",
        body: INJECTION_FINDING.explanation,
        quoted_code: INJECTION_FINDING.quotedCode,
        suggestion: INJECTION_FINDING.replacement,
        status: "summary",
        github_comment_id: null,
      },
      {
        ...common,
        fingerprint: "n".repeat(32),
        path: "README.md",
        side: "RIGHT",
        start_line: null,
        line: 3,
        severity: "nit",
        category: "docs",
        title: NIT_FINDING.title,
        body: NIT_FINDING.explanation,
        quoted_code: NIT_FINDING.quotedCode,
        suggestion: null,
        status: "summary",
        github_comment_id: null,
      },
    ]);
  });

  it("leaves the comment id empty when the posted review did not show it", () => {
    const posted = { ...INJECTION_FINDING, startLine: 5, fingerprint: "f".repeat(32) };
    const [row] = buildFindingRows(
      target,
      { posted: [{ finding: posted }], notInline: [], folded: [] },
      new Map(),
    );
    expect(row).toMatchObject({ status: "open", github_comment_id: null, start_line: 5 });
  });

  it("stores nothing when there is nothing", () => {
    expect(buildFindingRows(target, { posted: [], notInline: [], folded: [] }, new Map())).toEqual(
      [],
    );
  });
});
