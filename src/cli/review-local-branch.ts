import path from "node:path";
import type { Logger } from "pino";
import type { Config } from "../config/read-config.ts";
import { createCodeContextProvider } from "../context/create-code-context-provider.ts";
import type { Embedder } from "../embeddings/embedder.ts";
import { parseRepoConfig } from "../repo-config/repo-config.ts";
import { emptyContext } from "../review/review-extensions.ts";
import type { ReviewModel } from "../review/review-model.ts";
import { indexCommit, indexWorkingTree, LOCAL_SCOPE } from "./index-working-tree.ts";
import { openScratchDatabase } from "./open-scratch-database.ts";
import { readLocalChanges } from "./read-local-changes.ts";
import { reviewChanges, type LocalReview } from "./review-changes.ts";
import { readLocalGuidelines } from "./read-local-guidelines.ts";

export type CommandDependencies = {
  config: Config;
  model: ReviewModel;
  embedder: Embedder;
  log: Logger;
};

/**
 * Reviews the current branch of the working tree at `cwd` against `base` (see readLocalChanges),
 * with `.github/revue.yml` from the merge base and context from an index of the working tree built
 * in an in-memory database (skipped with `context: false`). Posts nothing, keeps nothing.
 * Throws CliError for what the person must fix, and the model's errors.
 */
export async function reviewLocalBranch(
  deps: CommandDependencies,
  options: {
    cwd: string;
    base: string | undefined;
    /** A branch or commit to review instead of the checked-out one; its tree is indexed, not the files on disk. */
    head?: string;
    context: boolean;
    env?: NodeJS.ProcessEnv;
  },
): Promise<LocalReview> {
  const changes = await readLocalChanges(options);
  const repoConfig = parseRepoConfig(changes.repoConfigText);
  for (const problem of repoConfig.problems) deps.log.warn(problem);
  const database = options.context ? await openScratchDatabase() : null;
  try {
    if (database) {
      const report = await (options.head === undefined ? indexWorkingTree : indexCommit)(
        { db: database.db, embedder: deps.embedder, log: deps.log },
        {
          root: changes.root,
          ignore: repoConfig.config.ignore,
          maxFileBytes: deps.config.index.maxFileBytes,
          commitSha: changes.headSha,
        },
      );
      deps.log.info(
        { files: report.totalFiles, chunks: report.totalChunks },
        "working tree indexed",
      );
    }
    return await reviewChanges(
      {
        config: deps.config,
        model: deps.model,
        context: database
          ? createCodeContextProvider({ db: database.db, embedder: deps.embedder })
          : emptyContext,
        log: deps.log,
      },
      {
        facts: {
          owner: "local",
          repo: path.basename(changes.root),
          number: 0,
          title: changes.title,
          body: changes.body,
          author: "local",
          baseRef: changes.baseRef,
          headRef: changes.headRef,
          mode: "full",
          fromSha: changes.baseSha,
          headSha: changes.headSha,
        },
        files: changes.files,
        repoConfig: repoConfig.config,
        guidelines: await readLocalGuidelines(
          changes.root,
          changes.baseSha,
          changes.files.map((file) => file.filename),
          repoConfig.config.guidelines_max_tokens,
        ),
        scope: LOCAL_SCOPE,
      },
    );
  } finally {
    await database?.close();
  }
}
