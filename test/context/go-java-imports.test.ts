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
const REPO = { installationId: 1, repositoryId: 12 };
const JAVA = "src/main/java/com/shop";

/**
 * A Go module and a Java source tree, each with two same-named definitions: the one the import
 * names, and a decoy closer to the using file that matching by name alone would pick.
 */
function repository(): TarEntry[] {
  return [
    { path: "go.mod", content: "module example.com/shop\n\ngo 1.22\n" },
    {
      path: "pkg/money/round.go",
      content:
        "package money\n\nfunc Round(v float64) float64 {\n\treturn float64(int(v*100)) / 100\n}\n",
    },
    {
      path: "cmd/app/money/round.go",
      content: "package money\n\nfunc Round(v float64) float64 {\n\treturn v * 2\n}\n",
    },
    {
      path: "cmd/app/main.go",
      content:
        'package main\n\nimport (\n\t"fmt"\n\tmoney "example.com/shop/pkg/money"\n\t_ "example.com/shop/cmd/app/money"\n)\n\nfunc main() {\n\tfmt.Println(money.Round(1.5))\n}\n',
    },
    {
      path: `${JAVA}/money/Rounding.java`,
      content:
        "package com.shop.money;\n\npublic class Rounding {\n  public static double round(double v) {\n    return Math.round(v * 100) / 100.0;\n  }\n}\n",
    },
    {
      path: `${JAVA}/app/Rounding.java`,
      content:
        "package com.shop.app;\n\npublic class Rounding {\n  public static double round(double v) {\n    return v * 2;\n  }\n}\n",
    },
    {
      path: `${JAVA}/util/Strings.java`,
      content:
        'package com.shop.util;\n\npublic class Strings {\n  public static String money(double v) {\n    return "$" + v;\n  }\n}\n',
    },
    {
      path: `${JAVA}/app/Main.java`,
      content:
        "package com.shop.app;\n\nimport com.shop.money.Rounding;\nimport com.shop.util.*;\nimport static com.shop.util.Strings.money;\n\npublic class Main {\n  public static void main(String[] args) {\n    System.out.println(Rounding.round(1.5));\n  }\n}\n",
    },
  ];
}

describe.each(backends)("Go and Java imports on %s", (backend) => {
  let handle: Awaited<ReturnType<typeof createTestDatabase>>;

  beforeEach(async () => {
    handle = await createTestDatabase(backend);
    await indexRepositoryArchive(
      { db: codeIndexDatabase(handle.db), embedder: createLocalEmbedder(), log },
      REPO,
      readTarball(await makeTarball("o-r-abc1234", repository())),
      { ignore: [], maxFileBytes: 50_000, commitSha: "abc" },
    );
  });
  afterEach(async () => {
    await handle.close();
  });

  const contextFor = (files: FileDiff[]) =>
    createCodeContextProvider({ db: handle.db, embedder: createLocalEmbedder() })(
      reviewScope(REPO, files, { baseSha: "abc" }),
      4000,
    );

  it("records Go packages as folders under go.mod's module and Java imports as files or packages", async () => {
    const rows = await codeIndexDatabase(handle.db)
      .selectFrom("code_imports")
      .select(["path", "kind", "imported_name", "local_name", "specifier", "target_path"])
      .where("installation_id", "=", REPO.installationId)
      .where("repository_id", "=", REPO.repositoryId)
      .orderBy("path")
      .orderBy("line")
      .execute();
    expect(
      rows.map((r) =>
        [r.path, r.kind, r.imported_name, r.local_name, r.specifier, r.target_path].join(" "),
      ),
    ).toEqual([
      "cmd/app/main.go namespace * fmt fmt ",
      "cmd/app/main.go namespace * money example.com/shop/pkg/money pkg/money/",
      `${JAVA}/app/Main.java named Rounding Rounding com.shop.money.Rounding ${JAVA}/money/Rounding.java`,
      `${JAVA}/app/Main.java namespace *  com.shop.util.* ${JAVA}/util/`,
      `${JAVA}/app/Main.java named money money com.shop.util.Strings ${JAVA}/util/Strings.java`,
    ]);
  });

  it("follows a Go package import to the package's file, not the same-named function next door", async () => {
    const patch = [
      "@@ -9,3 +9,3 @@ import (",
      " func main() {",
      "-\tfmt.Println(money.Round(1.5))",
      "+\tfmt.Println(money.Round(2.5))",
      " }",
    ].join("\n");
    const context = await contextFor([
      { path: "cmd/app/main.go", status: "modified", hunks: parsePatch(patch) },
    ]);
    expect(context.text).toContain(
      "### pkg/money/round.go:3-5 — definition of `money.Round` used at cmd/app/main.go:10",
    );
    // The decoy's Round is another definition of the resolved name: dropped, as the compiler would.
    expect(context.text).not.toContain("### cmd/app/money/round.go:3-5");
  });

  it("follows a Java single-type import to its file under the source root, over the same package's class", async () => {
    const patch = [
      "@@ -8,3 +8,3 @@ public class Main {",
      "   public static void main(String[] args) {",
      "-    System.out.println(Rounding.round(1.5));",
      "+    System.out.println(Rounding.round(2.5));",
      "   }",
    ].join("\n");
    const context = await contextFor([
      { path: `${JAVA}/app/Main.java`, status: "modified", hunks: parsePatch(patch) },
    ]);
    expect(context.text).toContain(
      `### ${JAVA}/money/Rounding.java:3-7 — definition of \`Rounding\` used at ${JAVA}/app/Main.java:9`,
    );
    expect(context.text).not.toContain(`### ${JAVA}/app/Rounding.java:3-7`);
  });
});
