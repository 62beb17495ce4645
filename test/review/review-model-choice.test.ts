import { beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_MODEL } from "../../src/config/read-config.ts";
import { FakeAnthropic } from "../helpers/fake-anthropic.ts";
import { backends } from "../helpers/test-database.ts";
import { useHarness } from "../helpers/use-harness.ts";
import { checkRunCompleted, reviewsSettled } from "../helpers/wait-for.ts";
import { changedFiles, modelReview, PULL_NUMBER, pullRequestOpened } from "../helpers/fixtures.ts";

describe.each(backends)("a repository's choice of model on %s", (backend) => {
  const { harness, github } = useHarness(backend, {
    env: { REVUE_ALLOWED_MODELS: "claude-haiku-4-5" },
  });

  beforeEach(() => {
    github().pulls.set(PULL_NUMBER, pullRequestOpened().pull_request);
    github().files.set(PULL_NUMBER, changedFiles());
  });

  async function reviewWith(configYaml: string): Promise<FakeAnthropic> {
    const anthropic = new FakeAnthropic([{ review: modelReview() }]);
    anthropic.install();
    github().configYaml = configYaml;
    await harness().send("pull_request", pullRequestOpened());
    await harness().startWorkers();
    await reviewsSettled(harness());
    return anthropic;
  }

  it("reviews with an allowed model the repository chose, and records it", async () => {
    const anthropic = await reviewWith("model: claude-haiku-4-5\n");

    expect(anthropic.requests.map((body) => body.model)).toEqual(["claude-haiku-4-5"]);
    const [row] = await harness().db.db.selectFrom("reviews").select("model").execute();
    expect(row!.model).toBe("claude-haiku-4-5");
  });

  it("keeps the configured model and says so when the choice is not allowed", async () => {
    const anthropic = await reviewWith("model: gpt-4o\n");

    expect(anthropic.requests.map((body) => body.model)).toEqual([DEFAULT_MODEL]);
    const run = await checkRunCompleted(github());
    const output = JSON.stringify(run!.output);
    expect(output).toContain('model: \\"gpt-4o\\" is not one of the models this Revue allows');
    expect(output).toContain("REVUE_ALLOWED_MODELS");
  });
});
