import { toSql } from "pgvector/kysely";
import { describe, expect, it } from "vitest";
import { parseCommand } from "../../src/handlers/parse-command.ts";
import { decideGate, trustedSignals, verdictOf } from "../../src/memory/decide-gate.ts";
import { linesTouched } from "../../src/memory/detect-addressed.ts";
import { isStale } from "../../src/memory/render-memories.ts";
import { memoryApplies, selectMemories } from "../../src/memory/select-memories.ts";
import { parsePatch } from "../../src/diff/parse-patch.ts";
import type { Memory } from "../../src/db/schema.ts";

describe("memory commands", () => {
  it("parses remember, forget and memories", () => {
    expect(parseCommand("@revue remember  `any` is fine\nin test helpers", "revue")).toEqual({
      kind: "remember",
      text: "`any` is fine in test helpers",
    });
    expect(parseCommand("@revue forget #12", "revue")).toEqual({ kind: "forget", id: 12 });
    expect(parseCommand("@revue forget 7 please", "revue")).toEqual({ kind: "forget", id: 7 });
    expect(parseCommand("@revue memories", "revue")).toEqual({ kind: "memories" });
    expect(parseCommand("@revue forget stale", "revue")).toEqual({ kind: "forget-stale" });
    expect(parseCommand("@revue remember", "revue")).toEqual({ kind: "unknown", word: "remember" });
    expect(parseCommand("@revue forget them", "revue")).toEqual({
      kind: "unknown",
      word: "forget",
    });
    expect(parseCommand("> @revue remember quoted\nthanks", "revue")).toBeNull();
  });
});

describe("decideGate", () => {
  const v = (...xs: number[]) => {
    const n = Math.hypot(...xs);
    return xs.map((x) => x / n);
  };
  it("drops a finding close to a rejected one", () => {
    const d = decideGate(v(1, 0.1), [{ id: 1, vector: v(1, 0), verdict: "rejected" }], 0.9);
    expect(d).toMatchObject({ keep: false, nearestRejectedId: 1 });
  });
  it("keeps it when an accepted one is at least as close, or below the threshold", () => {
    expect(
      decideGate(
        v(1, 0.1),
        [
          { id: 1, vector: v(1, 0), verdict: "rejected" },
          { id: 2, vector: v(1, 0.1), verdict: "accepted" },
        ],
        0.9,
      ).keep,
    ).toBe(true);
    expect(decideGate(v(0, 1), [{ id: 1, vector: v(1, 0), verdict: "rejected" }], 0.5).keep).toBe(
      true,
    );
  });
  it("ignores vectors of another dimension", () => {
    expect(decideGate([1, 0], [{ id: 1, vector: [1, 0, 0], verdict: "rejected" }], 0).keep).toBe(
      true,
    );
  });
  it("reads verdicts from signals: a rebuttal beats a push, votes break ties", () => {
    const base = { status: "open", rebutted: false, thumbs_up: 0, thumbs_down: 0 };
    expect(verdictOf(base)).toBeNull();
    expect(verdictOf({ ...base, status: "dismissed" })).toBe("rejected");
    expect(verdictOf({ ...base, status: "addressed", rebutted: true })).toBe("rejected");
    expect(verdictOf({ ...base, thumbs_down: 2, thumbs_up: 1 })).toBe("rejected");
    expect(verdictOf({ ...base, status: "addressed" })).toBe("accepted");
    expect(verdictOf({ ...base, thumbs_up: 1 })).toBe("accepted");
    expect(verdictOf({ ...base, thumbs_up: 1, thumbs_down: 1 })).toBeNull();
  });
});

describe("trustedSignals", () => {
  const stored = {
    pull_number: 7,
    status: "open",
    rebutted: false,
    thumbs_up: 2,
    thumbs_down: 1,
    author_rebutted: true,
    author_thumbs_up: 1,
    author_thumbs_down: 3,
  };
  it("adds the pull request author's signals on that pull request", () => {
    expect(trustedSignals(stored, 7)).toEqual({
      status: "open",
      rebutted: true,
      thumbs_up: 3,
      thumbs_down: 4,
    });
  });
  it("keeps only the writers' signals on any other pull request", () => {
    expect(trustedSignals(stored, 8)).toEqual({
      status: "open",
      rebutted: false,
      thumbs_up: 2,
      thumbs_down: 1,
    });
    expect(trustedSignals({ ...stored, rebutted: true }, 8).rebutted).toBe(true);
  });
});

describe("linesTouched", () => {
  const hunks = parsePatch(
    ["@@ -4,4 +4,5 @@", " a", "-b", "+B", " c", "+inserted", " d"].join("\n"),
  );
  it("sees a replaced line and an insertion inside the range", () => {
    expect(linesTouched(hunks, 5, 5)).toBe(true);
    expect(linesTouched(hunks, 6, 7)).toBe(true);
  });
  it("does not see changes outside the range", () => {
    expect(linesTouched(hunks, 4, 4)).toBe(false);
    expect(linesTouched(hunks, 7, 7)).toBe(false);
    expect(linesTouched(hunks, 20, 30)).toBe(false);
  });
});

describe("selecting memories", () => {
  const memory = (id: number, over: Partial<Memory>): Memory => ({
    id,
    installation_id: 1,
    repository_id: 1,
    author: null,
    path_glob: null,
    kind: "convention",
    source: "command",
    statement: `memory ${id}`,
    taught_by: "a",
    source_url: null,
    finding_id: null,
    embedding: null,
    embedding_model: "m",
    embedding_dimensions: 2,
    use_count: 0,
    last_used_at: null,
    created_at: new Date(),
    ...over,
  });
  it("applies by author and path", () => {
    expect(memoryApplies({ author: "Bob", path_glob: null }, "bob", [])).toBe(true);
    expect(memoryApplies({ author: "bob", path_glob: null }, "alice", [])).toBe(false);
    expect(memoryApplies({ author: null, path_glob: "test/**" }, "a", ["test/x.ts"])).toBe(true);
    expect(memoryApplies({ author: null, path_glob: "test/**" }, "a", ["src/x.ts"])).toBe(false);
  });
  it("ranks by similarity to the diff and stays within the budget", () => {
    const memories = [
      memory(1, { embedding: toSql([0, 1]) }),
      memory(2, { embedding: toSql([1, 0]) }),
      memory(3, { embedding: toSql([1, 0]), statement: "x".repeat(400) }),
    ];
    const picked = selectMemories(
      memories,
      { author: "a", paths: [], vector: [1, 0], model: "m" },
      40,
    );
    expect(picked.ids).toEqual([2, 1]);
    expect(picked.text.split("\n")[0]).toBe("- [memory 2, convention] memory 2");
  });
  it("marks stale memories", () => {
    const now = new Date("2026-11-27T00:00:00Z");
    expect(isStale({ last_used_at: null, created_at: new Date("2026-09-01") }, now)).toBe(true);
    expect(isStale({ last_used_at: null, created_at: new Date("2026-11-20") }, now)).toBe(false);
    expect(
      isStale({ last_used_at: new Date("2026-11-01"), created_at: new Date("2025-01-01") }, now),
    ).toBe(false);
  });
});
