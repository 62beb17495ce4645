import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { codeIndexDatabase } from "../../src/code-index/code-index-tables.ts";
import { readFileHashes, readIndexState } from "../../src/code-index/code-index-store.ts";
import { createLocalEmbedder } from "../../src/embeddings/local-embedder.ts";
import { indexRepositoryArchive } from "../../src/indexing/index-repository.ts";
import { readTarball } from "../../src/indexing/read-tarball.ts";
import { makeTarball, type TarEntry } from "../helpers/make-tarball.ts";
import { silentLogger } from "../helpers/silent-logger.ts";
import { backends, createTestDatabase } from "../helpers/test-database.ts";

// GitHub's repository ids are global: a repository transferred between two accounts that both
// installed the App is the same id under a new installation, while the old installation's index
// is still there until its drop job runs (or for good, when no removal event comes).
const OLD = { installationId: 1, repositoryId: 42 };
const NEW = { installationId: 2, repositoryId: 42 };

const tree = (body: string): TarEntry[] => [
  { path: "src/total.ts", content: `export function total(a: number): number {\n  ${body}\n}\n` },
  { path: "src/other.ts", content: "export const other = 1;\n" },
];

describe.each(backends)("a repository moved to another installation, on %s", (backend) => {
  let handle: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeEach(async () => {
    handle = await createTestDatabase(backend);
  });
  afterEach(async () => {
    await handle.close();
  });

  const index = async (scope: typeof OLD, body: string, commitSha: string) =>
    indexRepositoryArchive(
      { db: codeIndexDatabase(handle.db), embedder: createLocalEmbedder(), log: silentLogger() },
      scope,
      readTarball(await makeTarball(`o-r-${commitSha}`, tree(body))),
      { ignore: [], maxFileBytes: 50_000, commitSha },
    );

  it("is indexed under the new installation while the old one's index remains, each its own", async () => {
    const db = codeIndexDatabase(handle.db);
    await index(OLD, "return a;", "old1");
    await index(NEW, "return a * 2;", "new1");

    expect((await readIndexState(db, OLD))?.commit_sha).toBe("old1");
    expect((await readIndexState(db, NEW))?.commit_sha).toBe("new1");
    const oldHashes = await readFileHashes(db, OLD);
    const newHashes = await readFileHashes(db, NEW);
    expect([...newHashes.keys()].sort()).toEqual(["src/other.ts", "src/total.ts"]);
    expect(newHashes.get("src/total.ts")).not.toBe(oldHashes.get("src/total.ts"));
    expect(newHashes.get("src/other.ts")).toBe(oldHashes.get("src/other.ts"));

    // A push in the new installation re-indexes there and leaves the old installation's rows.
    await index(NEW, "return a * 3;", "new2");
    expect((await readIndexState(db, NEW))?.commit_sha).toBe("new2");
    expect((await readIndexState(db, OLD))?.commit_sha).toBe("old1");
    expect(await readFileHashes(db, OLD)).toEqual(oldHashes);
  });
});
