import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLocalEmbedder } from "../../src/embeddings/local-embedder.ts";
import { codeIndexDatabase } from "../../src/code-index/code-index-tables.ts";
import { indexRepositoryArchive } from "../../src/indexing/index-repository.ts";
import { readTarball } from "../../src/indexing/read-tarball.ts";
import type { FileDiff } from "../../src/diff/format-diff.ts";
import { parsePatch } from "../../src/diff/parse-patch.ts";
import { createCodeContextProvider } from "../../src/context/create-code-context-provider.ts";
import { makeTarball, type TarEntry } from "../helpers/make-tarball.ts";
import { reviewScope } from "../helpers/review-scope.ts";
import { silentLogger } from "../helpers/silent-logger.ts";
import { backends, createTestDatabase } from "../helpers/test-database.ts";

const log = silentLogger();
const REPO = { installationId: 1, repositoryId: 10 };

const APP_TS = `import { createClient, $store } from "./index";
import * as core from "@core/types";
import { createClient as createLegacyClient } from "../v1";

export function start(options: core.RequestOptions) {
  return createClient("https://example.test");
}
`;

/**
 * A repository keeping two major versions side by side: v1/ and v2/ export the same names. v2/app.ts
 * reaches v2's through a barrel (v2/index.ts re-exports ./client by name and ./store by `*`), a
 * namespace import through tsconfig `paths` (`@core/*` -> `v2/core/*`), and v1's through an alias.
 */
function twoVersions(): TarEntry[] {
  return [
    {
      path: "tsconfig.json",
      content: `{\n  // both versions build together\n  "compilerOptions": {\n    "baseUrl": ".",\n    "paths": { "@core/*": ["v2/core/*"] },\n  },\n}\n`,
    },
    {
      path: "v1/client.ts",
      content: `export function createClient(url: string) {\n  return { url, version: "one" };\n}\n\nexport const $store = createStore(1);\n`,
    },
    { path: "v1/index.ts", content: `export * from "./client";\n` },
    {
      path: "v1/core/types.ts",
      content: `export interface RequestOptions {\n  timeoutV1: number;\n}\n`,
    },
    {
      path: "v2/client.ts",
      content: `export function createClient(url: string) {\n  return { url, version: "two" };\n}\n`,
    },
    {
      path: "v2/store.ts",
      content: `export const $store = createStore({ version: "two" });\n`,
    },
    {
      path: "v2/index.ts",
      content: `export { createClient } from "./client";\nexport * from "./store";\n`,
    },
    {
      path: "v2/core/types.ts",
      content: `export interface RequestOptions {\n  retriesV2: number;\n}\n`,
    },
    { path: "v2/app.ts", content: APP_TS },
    {
      path: "v2/client.test.ts",
      content: `import { createClient } from "./client";\nimport { start } from "./app";\n\ntest("createClient", () => {\n  const client = createClient("https://example.test");\n  expect(start({ retriesV2: 1 })).toEqual(client);\n  expect(client.version).toBe("two");\n  expect($store).toBeDefined();\n});\n`,
    },
  ];
}

/** Changes start() in v2/app.ts: uses createClient, $store and core.RequestOptions. */
function v2Diff(extra: string[] = []): FileDiff[] {
  const patch = [
    `@@ -5,3 +5,${4 + extra.length} @@ import { createClient as createLegacyClient } from "../v1";`,
    " export function start(options: core.RequestOptions) {",
    '-  return createClient("https://example.test");',
    '+  const client = createClient("https://example.test", options as core.RequestOptions);',
    ...extra,
    "+  return { client, store: $store };",
    " }",
  ].join("\n");
  return [{ path: "v2/app.ts", status: "modified", hunks: parsePatch(patch) }];
}

describe.each(backends)("import-aware retrieval on %s", (backend) => {
  let handle: Awaited<ReturnType<typeof createTestDatabase>>;

  beforeEach(async () => {
    handle = await createTestDatabase(backend);
    const archive = await makeTarball("o-r-abc1234", twoVersions());
    await indexRepositoryArchive(
      { db: codeIndexDatabase(handle.db), embedder: createLocalEmbedder(), log },
      REPO,
      readTarball(archive),
      { ignore: [], maxFileBytes: 50_000, commitSha: "abc" },
    );
  });
  afterEach(async () => {
    await handle.close();
  });

  const contextFor = async (files: FileDiff[]) => {
    const provider = createCodeContextProvider({ db: handle.db, embedder: createLocalEmbedder() });
    return provider(reviewScope(REPO, files), 4000);
  };

  it("records imports with the files they resolve to: relative, barrel, tsconfig paths", async () => {
    const rows = await codeIndexDatabase(handle.db)
      .selectFrom("code_imports")
      .select(["path", "kind", "imported_name", "local_name", "target_path"])
      .where("installation_id", "=", REPO.installationId)
      .where("repository_id", "=", REPO.repositoryId)
      .where("path", "in", ["v2/app.ts", "v2/index.ts"])
      .orderBy("path")
      .orderBy("line")
      .orderBy("id")
      .execute();
    expect(rows.map((r) => [r.path, r.kind, r.imported_name, r.local_name, r.target_path])).toEqual(
      [
        ["v2/app.ts", "named", "createClient", "createClient", "v2/index.ts"],
        ["v2/app.ts", "named", "$store", "$store", "v2/index.ts"],
        ["v2/app.ts", "namespace", "*", "core", "v2/core/types.ts"],
        ["v2/app.ts", "named", "createClient", "createLegacyClient", "v1/index.ts"],
        ["v2/index.ts", "reexport", "createClient", "createClient", "v2/client.ts"],
        ["v2/index.ts", "reexport-all", null, null, "v2/store.ts"],
      ],
    );
  });

  it("puts v2's definitions first, each saying why, and none of v1's", async () => {
    const { text } = await contextFor(v2Diff());
    const headers = text.split("\n").filter((line) => line.startsWith("### "));
    expect(headers.slice(0, 3)).toEqual([
      "### v2/client.ts:1-3 — definition of `createClient` used at v2/app.ts:6",
      "### v2/core/types.ts:1-3 — definition of `core.RequestOptions` used at v2/app.ts:6",
      "### v2/store.ts:1-1 — definition of `$store` used at v2/app.ts:7",
    ]);
    expect(text).toContain('version: "two"');
    expect(text).toContain("retriesV2");
    expect(text).not.toMatch(/version: "one"|timeoutV1|createStore\(1\)/);
    // The test file calls the changed function and mentions every name the change uses, yet it
    // (and the diff's own file) comes after every other chunk.
    const secondary = (line: string) => /^### v2\/(client\.test|app)\.ts/.test(line);
    expect(headers.some(secondary)).toBe(true);
    expect(headers.findIndex(secondary)).toBeGreaterThan(
      headers.findLastIndex((l) => !secondary(l)),
    );
  });

  it("follows an import even where a same-named definition is closer (v1 through an alias)", async () => {
    const { text } = await contextFor(v2Diff(['+  const legacy = createLegacyClient("x");']));
    expect(text).toContain(
      "### v1/client.ts:1-3 — definition of `createLegacyClient` used at v2/app.ts:7",
    );
    expect(text).toContain('version: "one"');
  });

  it("matches a name nothing imports by name, preferring the definition in the same folder", async () => {
    // A new file: the index has no imports recorded for it.
    const added = [
      "@@ -0,0 +1,1 @@",
      '+export const client = createClient("https://example.test");',
    ];
    const { text } = await contextFor([
      { path: "v2/extra.ts", status: "added", hunks: parsePatch(added.join("\n")) },
    ]);
    const headers = text.split("\n").filter((line) => line.startsWith("### "));
    expect(headers[0]).toBe(
      "### v2/client.ts:1-3 — definition of `createClient` (matched by name) used at v2/extra.ts:1",
    );
  });

  it("follows imports the pull request adds, through tsconfig paths too, in a file the index lacks", async () => {
    const added = [
      "@@ -0,0 +1,4 @@",
      '+import { createClient as makeClient } from "../v1";',
      '+import type { RequestOptions } from "@core/types";',
      "+export const legacy = (options: RequestOptions) =>",
      '+  makeClient("https://example.test");',
    ];
    const { text } = await contextFor([
      { path: "v2/new.ts", status: "added", hunks: parsePatch(added.join("\n")) },
    ]);
    expect(text).toContain("### v1/client.ts:1-3 — definition of `makeClient` used at v2/new.ts:4");
    expect(text).toContain(
      "### v2/core/types.ts:1-3 — definition of `RequestOptions` used at v2/new.ts:3",
    );
    expect(text).not.toContain("timeoutV1");
  });

  it("finds the data member a use names through a typed value (`state.base_`), by its name", async () => {
    const archive = await makeTarball("o-r-aaa1111", [
      {
        path: "src/types.ts",
        content:
          "export interface DraftState {\n  base_: object;\n  modified_: boolean;\n}\n\nexport const defaults = { autoFreeze_: true };\n",
      },
      {
        path: "src/finalize.ts",
        content:
          'import type { DraftState } from "./types";\n\nexport function finalize(state: DraftState) {\n  return state;\n}\n',
      },
    ]);
    const members = { installationId: 1, repositoryId: 12 };
    await indexRepositoryArchive(
      { db: codeIndexDatabase(handle.db), embedder: createLocalEmbedder(), log },
      members,
      readTarball(archive),
      { ignore: [], maxFileBytes: 50_000, commitSha: "aaa" },
    );
    const patch = [
      "@@ -3,3 +3,3 @@",
      " export function finalize(state: DraftState) {",
      "-  return state;",
      "+  return state.modified_ ? state.base_ : defaults.autoFreeze_;",
      " }",
    ];
    const provider = createCodeContextProvider({ db: handle.db, embedder: createLocalEmbedder() });
    const { text } = await provider(
      {
        ...members,
        owner: "o",
        repo: "m",
        pullNumber: 3,
        author: "a",
        baseSha: "b",
        headSha: "h",
        files: [
          { path: "src/finalize.ts", status: "modified", hunks: parsePatch(patch.join("\n")) },
        ],
        log,
      },
      4000,
    );
    expect(text).toMatch(
      /### src\/types\.ts:1-4 — definition of `(state\.)?(modified_|base_)` \(matched by name\) used at src\/finalize\.ts:4/,
    );
    expect(text).toMatch(/### src\/types\.ts:6-6 — definition of `defaults(\.autoFreeze_)?`/);
  });

  it("follows a CommonJS require, for a name the change uses once among many", async () => {
    const archive = await makeTarball("o-r-ccc3333", [
      {
        path: "lib/util/charset.js",
        content:
          "exports.setCharset = function setCharset(type, charset) {\n  return type + '; charset=' + charset;\n};\n",
      },
      {
        // Same name, same folder as the user: what matching by name alone would pick.
        path: "lib/legacy.js",
        content:
          "function setCharset(type) {\n  return type + '; legacy';\n}\nmodule.exports = setCharset;\n",
      },
      {
        path: "lib/response.js",
        content:
          "var setCharset = require('./util/charset').setCharset;\n\nexports.send = function send(body) {\n  return body;\n};\n",
      },
    ]);
    const cjs = { installationId: 1, repositoryId: 13 };
    await indexRepositoryArchive(
      { db: codeIndexDatabase(handle.db), embedder: createLocalEmbedder(), log },
      cjs,
      readTarball(archive),
      { ignore: [], maxFileBytes: 50_000, commitSha: "ccc" },
    );
    // 80 names used twice each come before setCharset, used once.
    const busy = Array.from({ length: 80 }, (_, i) => `+  const name${i} = name${i}Source;`);
    const patch = [
      `@@ -3,3 +3,${3 + busy.length} @@ var setCharset = require('./util/charset').setCharset;`,
      " exports.send = function send(body) {",
      "-  return body;",
      ...busy,
      "+  return setCharset(body, 'utf-8');",
      " };",
    ];
    const provider = createCodeContextProvider({ db: handle.db, embedder: createLocalEmbedder() });
    const { text } = await provider(
      {
        ...cjs,
        owner: "o",
        repo: "c",
        pullNumber: 4,
        author: "a",
        baseSha: "b",
        headSha: "h",
        files: [
          { path: "lib/response.js", status: "modified", hunks: parsePatch(patch.join("\n")) },
        ],
        log,
      },
      4000,
    );
    expect(text).toContain(
      `### lib/util/charset.js:1-3 — definition of \`setCharset\` used at lib/response.js:${4 + busy.length}`,
    );
    expect(text).not.toContain("legacy'");
  });

  it("follows a Python import to the package it names, not the same-named class next door", async () => {
    const archive = await makeTarball("o-r-def5678", [
      { path: "app/models.py", content: "class User:\n    role = 'app'\n" },
      { path: "accounts/models.py", content: "class User:\n    role = 'accounts'\n" },
      { path: "accounts/__init__.py", content: "" },
      {
        path: "app/views.py",
        content: "from accounts.models import User\n\n\ndef show(user_id):\n    return user_id\n",
      },
    ]);
    const python = { installationId: 1, repositoryId: 11 };
    await indexRepositoryArchive(
      { db: codeIndexDatabase(handle.db), embedder: createLocalEmbedder(), log },
      python,
      readTarball(archive),
      { ignore: [], maxFileBytes: 50_000, commitSha: "def" },
    );
    const patch = [
      "@@ -4,2 +4,2 @@",
      " def show(user_id):",
      "-    return user_id",
      "+    return User(user_id)",
    ];
    const provider = createCodeContextProvider({ db: handle.db, embedder: createLocalEmbedder() });
    const { text } = await provider(
      {
        ...python,
        owner: "o",
        repo: "p",
        pullNumber: 2,
        author: "a",
        baseSha: "b",
        headSha: "h",
        files: [{ path: "app/views.py", status: "modified", hunks: parsePatch(patch.join("\n")) }],
        log,
      },
      4000,
    );
    expect(text.split("\n")[0]).toBe(
      "### accounts/models.py:1-2 — definition of `User` used at app/views.py:5",
    );
    expect(text).not.toContain("role = 'app'");
  });
});
