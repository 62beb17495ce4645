import type { Database } from "../../src/db/open-database.ts";

/**
 * Two installations Revue knows, each with one repository, a review and a memory:
 * 100 (acme, repository 1001 acme/web) and 200 (globex, repository 2001 globex/secret-plans).
 */
export async function seedTwoInstallations(db: Database) {
  await db
    .insertInto("installations")
    .values([
      { id: 100, account_login: "acme", account_type: "Organization" },
      { id: 200, account_login: "globex", account_type: "Organization" },
    ])
    .execute();
  await db
    .insertInto("repositories")
    .values([
      {
        id: 1001,
        installation_id: 100,
        full_name: "acme/web",
        default_branch: "main",
        private: true,
      },
      {
        id: 2001,
        installation_id: 200,
        full_name: "globex/secret-plans",
        default_branch: "main",
        private: true,
      },
    ])
    .execute();
  const review = (installationId: number, repositoryId: number) => ({
    installation_id: installationId,
    repository_id: repositoryId,
    pull_number: 7,
    base_sha: "a".repeat(40),
    head_sha: "b".repeat(40),
    from_sha: "a".repeat(40),
    trigger: "opened" as const,
    mode: "full" as const,
    status: "posted" as const,
  });
  const [acmeReview, globexReview] = await db
    .insertInto("reviews")
    .values([review(100, 1001), review(200, 2001)])
    .returning("id")
    .execute();
  const memory = (installationId: number, repositoryId: number, statement: string) => ({
    installation_id: installationId,
    repository_id: repositoryId,
    kind: "convention" as const,
    source: "command" as const,
    statement,
    taught_by: "octocat",
  });
  const [acmeMemory, globexMemory] = await db
    .insertInto("memories")
    .values([
      memory(100, 1001, "We use tabs in Makefiles"),
      memory(200, 2001, "Globex keeps its plans secret"),
    ])
    .returning("id")
    .execute();
  return {
    acme: {
      installationId: 100,
      repositoryId: 1001,
      reviewId: acmeReview!.id,
      memoryId: acmeMemory!.id,
    },
    globex: {
      installationId: 200,
      repositoryId: 2001,
      reviewId: globexReview!.id,
      memoryId: globexMemory!.id,
    },
  };
}
