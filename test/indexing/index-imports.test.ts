import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLocalEmbedder } from "../../src/embeddings/local-embedder.ts";
import {
  codeIndexDatabase,
  type CodeIndexDatabase,
} from "../../src/code-index/code-index-tables.ts";
import { indexChangedFiles, indexRepositoryArchive } from "../../src/indexing/index-repository.ts";
import { readTarball } from "../../src/indexing/read-tarball.ts";
import { makeTarball } from "../helpers/make-tarball.ts";
import { silentLogger } from "../helpers/silent-logger.ts";
import { backends, createTestDatabase } from "../helpers/test-database.ts";

const log = silentLogger();
const REPO = { installationId: 1, repositoryId: 10 };
const OTHER = { installationId: 2, repositoryId: 20 };
const options = { ignore: [], maxFileBytes: 50_000, commitSha: "abc" };

const TSCONFIG = '{ "compilerOptions": { "baseUrl": ".", "paths": { "@lib/*": ["lib/*"] } } }\n';

async function targets(db: CodeIndexDatabase, scope: typeof REPO) {
  const rows = await db
    .selectFrom("code_imports")
    .select(["path", "specifier", "target_path"])
    .where("installation_id", "=", scope.installationId)
    .where("repository_id", "=", scope.repositoryId)
    .orderBy("path")
    .orderBy("line")
    .execute();
  return rows.map((row) => `${row.path} ${row.specifier} -> ${row.target_path}`);
}

describe.each(backends)("recorded imports on %s", (backend) => {
  let handle: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: CodeIndexDatabase;
  const deps = () => ({ db, embedder: createLocalEmbedder(), log });
  const change = (path: string, text: string | null) => ({
    path,
    content: text === null ? null : Buffer.from(text),
    size: text?.length ?? 0,
  });

  beforeEach(async () => {
    handle = await createTestDatabase(backend);
    db = codeIndexDatabase(handle.db);
    const archive = await makeTarball("o-r-abc1234", [
      { path: "tsconfig.json", content: TSCONFIG },
      { path: "src/a.ts", content: 'import { b } from "./b";\nexport const a = b;\n' },
      { path: "lib/c.ts", content: "export const c = 1;\n" },
    ]);
    await indexRepositoryArchive(deps(), REPO, readTarball(archive), options);
  });
  afterEach(async () => {
    await handle.close();
  });

  it("re-points imports of files a push did not touch when it adds or removes their target", async () => {
    expect(await targets(db, REPO)).toEqual(["src/a.ts ./b -> null"]);
    await indexChangedFiles(deps(), REPO, [change("src/b.ts", "export const b = 2;\n")], options);
    expect(await targets(db, REPO)).toEqual(["src/a.ts ./b -> src/b.ts"]);
    await indexChangedFiles(deps(), REPO, [change("src/b.ts", null)], options);
    expect(await targets(db, REPO)).toEqual(["src/a.ts ./b -> null"]);
  });

  it("resolves tsconfig paths in a push that does not change tsconfig.json (read back from the index)", async () => {
    await indexChangedFiles(
      deps(),
      REPO,
      [change("src/d.ts", 'import { c } from "@lib/c";\nexport const d = c;\n')],
      options,
    );
    expect(await targets(db, REPO)).toContain("src/d.ts @lib/c -> lib/c.ts");
  });

  it("keeps each repository's imports to itself, and drops them with the file", async () => {
    const archive = await makeTarball("o-r-def5678", [
      { path: "src/a.ts", content: 'import { x } from "./x";\n' },
    ]);
    await indexRepositoryArchive(deps(), OTHER, readTarball(archive), options);
    expect(await targets(db, OTHER)).toEqual(["src/a.ts ./x -> null"]);
    expect(await targets(db, REPO)).toEqual(["src/a.ts ./b -> null"]);
    await indexChangedFiles(deps(), REPO, [change("src/a.ts", null)], options);
    expect(await targets(db, REPO)).toEqual([]);
    expect(await targets(db, OTHER)).toEqual(["src/a.ts ./x -> null"]);
  });
});
