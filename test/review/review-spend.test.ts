import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  findCapReached,
  hasCaps,
  readSpend,
  type Caps,
  type Spend,
} from "../../src/review/review-spend.ts";
import { backends, createTestDatabase } from "../helpers/test-database.ts";

const NOW = new Date("2026-12-31T15:00:00Z");
const NO_CAP = { usd: undefined, tokens: undefined };
const caps = (overrides: Partial<Caps>): Caps => ({
  repositoryDay: NO_CAP,
  installationMonth: NO_CAP,
  ...overrides,
});
const spend = (overrides: Partial<Spend>): Spend => ({
  repositoryDay: { usd: 0, tokens: 0 },
  installationMonth: { usd: 0, tokens: 0 },
  typicalReview: { usd: 0, tokens: 0 },
  ...overrides,
});

describe("findCapReached", () => {
  it("passes a review that fits, and stops the one that would pass the cap", () => {
    const daily = caps({ repositoryDay: { usd: 1, tokens: undefined } });
    const typical = { usd: 0.25, tokens: 5000 };
    // 0.75 + 0.25 = 1.00: the last review that fits.
    expect(
      findCapReached(
        spend({ repositoryDay: { usd: 0.75, tokens: 0 }, typicalReview: typical }),
        daily,
        NOW,
      ),
    ).toBeNull();
    expect(
      findCapReached(
        spend({ repositoryDay: { usd: 0.76, tokens: 0 }, typicalReview: typical }),
        daily,
        NOW,
      ),
    ).toEqual({
      scope: "repositoryDay",
      unit: "usd",
      limit: 1,
      spent: 0.76,
      expected: 0.25,
      resetsAt: new Date("2027-01-01T00:00:00Z"),
    });
  });

  it("stops everything at a cap of zero, even before any review has a cost", () => {
    expect(
      findCapReached(spend({}), caps({ repositoryDay: { usd: 0, tokens: undefined } }), NOW),
    ).toMatchObject({
      scope: "repositoryDay",
      limit: 0,
    });
  });

  it("counts tokens and the installation's month, resetting on the first of the next month", () => {
    const monthly = caps({ installationMonth: { usd: 50, tokens: 1_000_000 } });
    const used = spend({
      installationMonth: { usd: 10, tokens: 996_000 },
      typicalReview: { usd: 0.5, tokens: 5000 },
    });
    expect(findCapReached(used, monthly, NOW)).toEqual({
      scope: "installationMonth",
      unit: "tokens",
      limit: 1_000_000,
      spent: 996_000,
      expected: 5000,
      resetsAt: new Date("2027-01-01T00:00:00Z"),
    });
    expect(findCapReached(used, monthly, new Date("2026-11-30T23:59:59Z"))?.resetsAt).toEqual(
      new Date("2026-12-01T00:00:00Z"),
    );
  });

  it("checks the repository's cap first, and no caps means no check", () => {
    const both = caps({
      repositoryDay: { usd: 1, tokens: undefined },
      installationMonth: { usd: 1, tokens: undefined },
    });
    const over = spend({
      repositoryDay: { usd: 2, tokens: 0 },
      installationMonth: { usd: 2, tokens: 0 },
    });
    expect(findCapReached(over, both, NOW)?.scope).toBe("repositoryDay");
    expect(hasCaps(caps({}))).toBe(false);
    expect(hasCaps(caps({ installationMonth: { usd: undefined, tokens: 10 } }))).toBe(true);
    expect(findCapReached(over, caps({}), NOW)).toBeNull();
  });
});

describe.each(backends)("readSpend (%s)", (backend) => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeEach(async () => {
    db = await createTestDatabase(backend);
  });
  afterEach(async () => {
    await db.close();
  });

  let pull = 0;
  async function review(fields: {
    installation: number;
    repository: number;
    at: string;
    usd: number;
    tokens: number;
    calls?: number;
  }) {
    pull += 1;
    await db.db
      .insertInto("reviews")
      .values({
        installation_id: fields.installation,
        repository_id: fields.repository,
        pull_number: pull,
        base_sha: "b".repeat(40),
        head_sha: "h".repeat(40),
        from_sha: "b".repeat(40),
        trigger: "opened",
        mode: "full",
        status: "posted",
        model_calls: fields.calls ?? 1,
        input_tokens: fields.tokens / 2,
        output_tokens: fields.tokens / 4,
        cache_read_tokens: fields.tokens / 8,
        cache_write_tokens: fields.tokens / 8,
        cost_usd: fields.usd,
        created_at: fields.at,
      })
      .execute();
  }

  it("sums the repository's day and the installation's month, and averages its recent reviews", async () => {
    await review({
      installation: 1,
      repository: 10,
      at: "2026-12-31T01:00:00Z",
      usd: 0.5,
      tokens: 800,
    });
    await review({
      installation: 1,
      repository: 10,
      at: "2026-12-31T14:00:00Z",
      usd: 0.25,
      tokens: 1600,
    });
    // Yesterday: this month, not today.
    await review({
      installation: 1,
      repository: 10,
      at: "2026-12-30T23:59:00Z",
      usd: 1,
      tokens: 8000,
    });
    // Another repository of the installation, today.
    await review({
      installation: 1,
      repository: 11,
      at: "2026-12-31T10:00:00Z",
      usd: 2,
      tokens: 16,
    });
    // Last month, and another installation today: counted nowhere.
    await review({
      installation: 1,
      repository: 10,
      at: "2026-11-30T12:00:00Z",
      usd: 4,
      tokens: 0,
    });
    await review({
      installation: 2,
      repository: 20,
      at: "2026-12-31T10:00:00Z",
      usd: 8,
      tokens: 0,
    });
    // A review that never called the model does not make the typical review cheaper.
    await review({
      installation: 1,
      repository: 10,
      at: "2026-12-31T14:30:00Z",
      usd: 0,
      tokens: 0,
      calls: 0,
    });

    const spent = await readSpend(db.db, { installationId: 1, repositoryId: 10 }, NOW);

    expect(spent.repositoryDay).toEqual({ usd: 0.75, tokens: 2400 });
    expect(spent.installationMonth).toEqual({ usd: 3.75, tokens: 10416 });
    // The mean of repository 10's four reviews that called the model, last month's included.
    expect(spent.typicalReview.usd).toBeCloseTo((0.5 + 0.25 + 1 + 4) / 4, 10);
    expect(spent.typicalReview.tokens).toBeCloseTo((800 + 1600 + 8000 + 0) / 4, 10);
  });
});
