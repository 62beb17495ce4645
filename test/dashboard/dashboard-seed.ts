import { codeIndexDatabase } from "../../src/code-index/code-index-tables.ts";
import type { Database } from "../../src/db/open-database.ts";
import type { FindingSeverity, FindingStatus, NewReview } from "../../src/db/schema.ts";
import { DEFAULT_REPO_CONFIG } from "../../src/repo-config/repo-config.ts";
import type { ReviewReport } from "../../src/review/review-report.ts";

/** The scope of the signed-in user in these tests: installation 1, repositories 10 and 11. */
export const SCOPE = { installationIds: [1], repositoryIds: [10, 11] };
export const HOSTILE_NAME = `acme/<script>alert("x")</script>&"'`;

type SeedReview = Partial<NewReview> & {
  repository_id: number;
  installation_id: number;
  created_at: string;
  findings?: {
    severity: FindingSeverity;
    status: FindingStatus;
    title?: string;
    commentId?: number;
  }[];
};

export function report(overrides: Partial<ReviewReport> = {}): ReviewReport {
  return {
    version: 1,
    config: DEFAULT_REPO_CONFIG,
    configProblems: [],
    contextFiles: [],
    memoryIds: [],
    skippedFiles: [],
    suppressed: [],
    listedInSummary: [],
    folded: [],
    carriedForward: 0,
    modelCalls: 1,
    ...overrides,
  };
}

/**
 * A handful of reviews with known figures (the expected values in dashboard-data.test.ts are
 * computed by hand from these): installation 1 has repositories 10 (`HOSTILE_NAME`), 11 and 12
 * (12 not in the user's scope); installation 2 has repository 20.
 */
export async function seedDashboard(db: Database): Promise<Record<string, number>> {
  await db
    .insertInto("installations")
    .values([
      { id: 1, account_login: "acme", account_type: "Organization", suspended_at: null },
      { id: 2, account_login: "evil", account_type: "Organization", suspended_at: null },
    ])
    .execute();
  await db
    .insertInto("repositories")
    .values([
      {
        id: 10,
        installation_id: 1,
        full_name: HOSTILE_NAME,
        default_branch: "main",
        private: true,
      },
      { id: 11, installation_id: 1, full_name: "acme/web", default_branch: "main", private: false },
      { id: 12, installation_id: 1, full_name: "acme/secret", default_branch: null, private: true },
      {
        id: 20,
        installation_id: 2,
        full_name: "evil/other",
        default_branch: "main",
        private: true,
      },
    ])
    .execute();
  const reviews: Record<string, SeedReview> = {
    r1: {
      repository_id: 10,
      installation_id: 1,
      created_at: "2026-11-01T10:00:00Z",
      status: "posted",
      duration_ms: 10_000,
      input_tokens: 100,
      output_tokens: 50,
      cost_usd: 0.5,
      findings: [
        {
          severity: "critical",
          status: "open",
          title: `<img src=x onerror=alert(1)>`,
          commentId: 555,
        },
        { severity: "major", status: "addressed" },
      ],
    },
    r2: {
      repository_id: 10,
      installation_id: 1,
      created_at: "2026-11-01T23:59:00Z",
      status: "posted",
      duration_ms: 20_000,
      input_tokens: 200,
      cost_usd: 1.25,
      findings: [
        { severity: "minor", status: "dismissed" },
        { severity: "nit", status: "addressed" },
      ],
    },
    r3: {
      repository_id: 11,
      installation_id: 1,
      created_at: "2026-11-02T00:00:00Z",
      status: "posted",
      duration_ms: 40_000,
      input_tokens: 1000,
      cache_read_tokens: 500,
      cost_usd: 2,
      findings: [{ severity: "major", status: "dismissed" }],
    },
    r4: {
      repository_id: 11,
      installation_id: 1,
      created_at: "2026-11-03T12:00:00Z",
      status: "failed",
      duration_ms: null,
      cost_usd: 0.25,
    },
    r5: {
      repository_id: 10,
      installation_id: 1,
      created_at: "2026-11-03T13:00:00Z",
      status: "posted",
      duration_ms: 400_000,
      input_tokens: 10,
      cost_usd: 1,
    },
    // Outside the scope: another installation, a repository not granted, and before the range.
    r6: {
      repository_id: 20,
      installation_id: 2,
      created_at: "2026-11-02T08:00:00Z",
      status: "posted",
      duration_ms: 5,
      input_tokens: 99_999,
      cost_usd: 100,
      findings: [
        { severity: "critical", status: "dismissed" },
        { severity: "critical", status: "dismissed" },
      ],
    },
    r7: {
      repository_id: 12,
      installation_id: 1,
      created_at: "2026-11-02T09:00:00Z",
      status: "posted",
      duration_ms: 7,
      cost_usd: 70,
      findings: [{ severity: "critical", status: "addressed" }],
    },
    r8: {
      repository_id: 10,
      installation_id: 1,
      created_at: "2026-10-31T23:59:59Z",
      status: "posted",
      duration_ms: 1,
      cost_usd: 50,
      findings: [{ severity: "nit", status: "addressed" }],
    },
  };
  const ids: Record<string, number> = {};
  for (const [name, { findings = [], ...row }] of Object.entries(reviews)) {
    const inserted = await db
      .insertInto("reviews")
      .values({
        pull_number: 7,
        base_sha: "b".repeat(40),
        head_sha: "h".repeat(40),
        from_sha: "b".repeat(40),
        trigger: "opened",
        mode: "full",
        status: "posted",
        started_at: row.created_at,
        finished_at: row.duration_ms
          ? new Date(Date.parse(row.created_at) + row.duration_ms)
          : null,
        ...row,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    ids[name] = inserted.id;
    for (const [i, f] of findings.entries()) {
      await db
        .insertInto("findings")
        .values({
          review_id: inserted.id,
          installation_id: row.installation_id,
          repository_id: row.repository_id,
          pull_number: 7,
          fingerprint: `${name}-${i}`,
          path: "src/app.ts",
          side: "RIGHT",
          start_line: null,
          line: 12 + i,
          severity: f.severity,
          category: "bug",
          title: f.title ?? `${name} finding ${i}`,
          body: "Why it matters.",
          quoted_code: "code()",
          suggestion: null,
          status: f.status,
          github_comment_id: f.commentId ?? null,
          head_sha: "h".repeat(40),
        })
        .execute();
    }
  }
  await codeIndexDatabase(db)
    .insertInto("code_indexes")
    .values({
      repository_id: 10,
      installation_id: 1,
      commit_sha: "c".repeat(40),
      embedding_model: "local-hash-384",
      dimensions: 384,
      files: 120,
      chunks: 900,
      skipped: JSON.stringify({ binary: 3, "over the size cap": 7 }),
      indexed_at: "2026-11-03T14:00:00Z",
    })
    .execute();
  return ids;
}
