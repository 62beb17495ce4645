import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { GENERIC_FAILURE } from "../../src/app/answer-generic-failure.ts";
import { pullRequestOpened } from "../helpers/fixtures.ts";
import { useHarness } from "../helpers/use-harness.ts";

describe("a webhook whose delivery cannot be recorded", () => {
  const { harness } = useHarness("pglite");

  it("answers 500 with a generic message, not the database's error", async () => {
    // The database fails the intake, as an outage does (whose error names the server's address).
    await sql`drop table webhook_deliveries cascade`.execute(harness().db.db);
    const response = await harness().send("pull_request", pullRequestOpened(), "lost-1");
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).toContain(GENERIC_FAILURE);
    expect(text).not.toMatch(/webhook_deliveries|relation|at .*\.ts:\d+/);
  });
});
