import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { readConfig } from "../../src/config/read-config.ts";
import { createLocalEmbedder } from "../../src/embeddings/local-embedder.ts";
import { measureGate, type CandidateFinding, type PastFinding } from "../../bench/measure-gate.ts";

const fixture = JSON.parse(
  await readFile(new URL("../fixtures/memory/past-findings.json", import.meta.url), "utf8"),
) as { past: PastFinding[]; candidates: CandidateFinding[] };

describe("the memory gate on past findings with human verdicts", () => {
  it("has at least 50 past findings of every verdict and labelled candidates", () => {
    expect(fixture.past.length).toBeGreaterThanOrEqual(50);
    for (const verdict of ["addressed", "rejected", "ignored"]) {
      expect(fixture.past.filter((p) => p.verdict === verdict).length).toBeGreaterThan(5);
    }
    expect(fixture.past.filter((p) => p.verdict === "rejected").every((p) => p.reason)).toBe(true);
    expect(new Set(fixture.candidates.map((c) => c.like))).toEqual(
      new Set(["rejected", "addressed"]),
    );
  });

  it("suppresses most rejected-like findings and no addressed-like one at the default threshold", async () => {
    const threshold = readConfig({ NODE_ENV: "test" }).memory.gateThreshold;
    const [result] = await measureGate(createLocalEmbedder(), fixture.past, fixture.candidates, [
      threshold,
    ]);
    // bench/memory-gate.ts prints the same numbers and a sweep.
    expect(result!.rejectedLike.suppressed / result!.rejectedLike.total).toBeGreaterThanOrEqual(
      0.7,
    );
    expect(result!.addressedLike.suppressed).toBe(0);
  });

  it("trades recall for mistakes as the threshold moves", async () => {
    const [low, high] = await measureGate(
      createLocalEmbedder(),
      fixture.past,
      fixture.candidates,
      [0.2, 0.8],
    );
    expect(low!.rejectedLike.suppressed).toBeGreaterThan(high!.rejectedLike.suppressed);
    expect(low!.addressedLike.suppressed).toBeGreaterThanOrEqual(high!.addressedLike.suppressed);
  });
});
