import { beforeEach, describe, expect, it } from "vitest";
import { backends } from "../helpers/test-database.ts";
import { useHarness } from "../helpers/use-harness.ts";
import { commandComment, jobsDone, REPOSITORY_ID } from "./memory-fixtures.ts";
import { createLocalEmbedder } from "../../src/embeddings/local-embedder.ts";
import { rememberStatement } from "../../src/memory/memory-store.ts";

describe.each(backends)("memory commands on %s", (backend) => {
  const { harness, github } = useHarness(backend);

  beforeEach(async () => {
    github().permissions.set("Codertocat", "write");
    github().permissions.set("reader", "read");
    await harness().startWorkers();
  });

  const replies = () =>
    github()
      .calls("POST", /\/issues\/2\/comments$/)
      .map((c) => (c.body as { body: string }).body);

  it("remembers a statement with its embedding and says how to undo it", async () => {
    const response = await harness().send(
      "issue_comment",
      commandComment("@revue remember in this repo, `any` is allowed in test helpers"),
    );
    expect(response.status).toBe(200);
    await jobsDone(harness(), "memory-command");
    const memory = await harness()
      .db.db.selectFrom("memories")
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(memory).toMatchObject({
      installation_id: 1,
      repository_id: REPOSITORY_ID,
      author: null,
      source: "command",
      taught_by: "Codertocat",
      statement: "in this repo, `any` is allowed in test helpers",
      embedding_model: "local-hash-v2-384",
      embedding_dimensions: 384,
    });
    expect(memory.embedding).toMatch(/^\[-?\d/);
    expect(github().reactions).toEqual([{ commentId: expect.any(Number), content: "eyes" }]);
    expect(replies()).toHaveLength(1);
    expect(replies()[0]).toContain(
      `Noted: in this repo, \`any\` is allowed in test helpers (memory ${memory.id}; undo: \`@revue forget ${memory.id}\`)`,
    );
  });

  it("refuses remember and forget from someone without write access, without a job", async () => {
    await harness().send("issue_comment", commandComment("@revue remember tabs please", "reader"));
    await harness().send("issue_comment", commandComment("@revue forget 1", "reader"));
    expect(await harness().boss.findJobs("memory-command", {})).toHaveLength(0);
    expect(await harness().db.db.selectFrom("memories").selectAll().execute()).toHaveLength(0);
    expect(replies()).toHaveLength(2);
    expect(replies()[0]).toContain("@reader only people with write access");
  });

  it("lists what applies here with ids, and forgets one (row and embedding)", async () => {
    const embedder = createLocalEmbedder();
    const kept = await rememberStatement(harness().db.db, embedder, {
      installation_id: 1,
      repository_id: REPOSITORY_ID,
      kind: "convention",
      source: "command",
      statement: "Prefer Result types over exceptions in src/core.",
      taught_by: "Codertocat",
    });
    const dropped = await rememberStatement(harness().db.db, embedder, {
      installation_id: 1,
      repository_id: REPOSITORY_ID,
      author: "reader",
      path_glob: "test/**",
      kind: "preference",
      source: "reply",
      statement: "`any` is fine in test helpers.",
      taught_by: "reader",
    });
    await harness().send("issue_comment", commandComment("@revue memories", "reader"));
    await jobsDone(harness(), "memory-command");
    const table = replies()[0]!;
    expect(table).toContain("| id | memory | kind | applies to | taught by | used |");
    expect(table).toContain(`| ${kept.id} | Prefer Result types over exceptions in src/core. |`);
    expect(table).toContain(`| ${dropped.id} | \`any\` is fine in test helpers. | preference |`);
    expect(table).toContain("PRs by @reader, `test/**`");
    expect(table).toContain("| never |");

    await harness().send("issue_comment", commandComment(`@revue forget ${dropped.id}`));
    await jobsDone(harness(), "memory-command", 2);
    const left = await harness().db.db.selectFrom("memories").select("id").execute();
    expect(left.map((m) => m.id)).toEqual([kept.id]);
    expect(replies()[1]).toContain(`Forgotten: memory ${dropped.id}`);
  });

  it("never crosses installations: another installation's memory is neither listed nor forgotten", async () => {
    const embedder = createLocalEmbedder();
    const foreign = await rememberStatement(harness().db.db, embedder, {
      installation_id: 2,
      repository_id: REPOSITORY_ID,
      kind: "convention",
      source: "command",
      statement: "Secret convention of installation two.",
      taught_by: "someone",
    });
    await harness().send("issue_comment", commandComment("@revue memories"));
    await jobsDone(harness(), "memory-command");
    await harness().send("issue_comment", commandComment(`@revue forget ${foreign.id}`));
    await jobsDone(harness(), "memory-command", 2);
    expect(replies()[0]).toContain("memory for this repository is empty");
    expect(replies()[0]).not.toContain("installation two");
    expect(replies()[1]).toContain(`There is no memory ${foreign.id} in this repository`);
    const still = await harness().db.db.selectFrom("memories").select("id").execute();
    expect(still.map((m) => m.id)).toEqual([foreign.id]);
  });

  it("forgets every stale memory at once, and keeps the fresh ones", async () => {
    const embedder = createLocalEmbedder();
    const old = await rememberStatement(harness().db.db, embedder, {
      installation_id: 1,
      repository_id: REPOSITORY_ID,
      kind: "fact",
      source: "command",
      statement: "The legacy billing module is frozen.",
      taught_by: "Codertocat",
      created_at: new Date(Date.now() - 60 * 24 * 3600 * 1000),
    });
    const fresh = await rememberStatement(harness().db.db, embedder, {
      installation_id: 1,
      repository_id: REPOSITORY_ID,
      kind: "fact",
      source: "command",
      statement: "New memory.",
      taught_by: "Codertocat",
    });
    await harness().send("issue_comment", commandComment("@revue memories"));
    await jobsDone(harness(), "memory-command");
    expect(replies()[0]).toContain("(2, 1 stale)");
    expect(replies()[0]).toContain("| never · stale |");
    await harness().send("issue_comment", commandComment("@revue forget stale"));
    await jobsDone(harness(), "memory-command", 2);
    expect(replies()[1]).toContain(`Forgotten 1 stale memory:\n- ${old.id}: The legacy billing`);
    const left = await harness().db.db.selectFrom("memories").select("id").execute();
    expect(left.map((m) => m.id)).toEqual([fresh.id]);
  });

  it("answers a redelivered command once", async () => {
    await harness().send("issue_comment", commandComment("@revue remember use pnpm"), "same");
    await harness().send("issue_comment", commandComment("@revue remember use pnpm"), "same");
    await jobsDone(harness(), "memory-command");
    expect(await harness().boss.findJobs("memory-command", {})).toHaveLength(1);
    expect(await harness().db.db.selectFrom("memories").selectAll().execute()).toHaveLength(1);
  });
});
