import type { Context } from "probot";
import type { PgBoss } from "pg-boss";
import type { Database } from "../db/open-database.ts";
import { enqueueIndex } from "../queue/enqueue-index.ts";
import { dropCodeIndex } from "../code-index/code-index-store.ts";
import { codeIndexDatabase } from "../code-index/code-index-tables.ts";

type Account = { id: number; login: string; type?: string } | null | undefined;
type RepositoryRef = { id: number; full_name: string; private: boolean };

/**
 * `installation` and `installation_repositories`: keep the installations and repositories tables in
 * step with GitHub. Idempotent (upserts), so a redelivery is harmless.
 */
export async function handleInstallation(
  deps: { db: Database; boss?: PgBoss },
  context: Context<"installation"> | Context<"installation_repositories">,
): Promise<void> {
  const { payload } = context;
  const installation = payload.installation;
  const account = installation.account as Account;
  if (payload.action === "deleted") {
    await deps.db.deleteFrom("installations").where("id", "=", installation.id).execute();
    // The App no longer sees this code: its index goes too.
    await dropCodeIndex(codeIndexDatabase(deps.db), installation.id);
    context.log.info({ installation: installation.id }, "installation deleted");
    return;
  }
  await deps.db
    .insertInto("installations")
    .values({
      id: installation.id,
      account_login: account?.login ?? "unknown",
      account_type: account?.type ?? "User",
      suspended_at: payload.action === "suspend" ? new Date() : null,
    })
    .onConflict((oc) =>
      oc.column("id").doUpdateSet({
        account_login: account?.login ?? "unknown",
        suspended_at: payload.action === "suspend" ? new Date() : null,
        updated_at: new Date(),
      }),
    )
    .execute();

  const added = complete(
    "repositories_added" in payload ? payload.repositories_added : (payload.repositories ?? []),
  );
  const removed = complete("repositories_removed" in payload ? payload.repositories_removed : []);
  for (const repository of added) {
    await upsertRepository(deps.db, installation.id, repository);
  }
  // Index each added repository's default branch in a worker (not on suspend).
  if (deps.boss && payload.action !== "suspend" && added.length > 0) {
    await enqueueIndex(
      deps.boss,
      added.map((repository) => ({
        installationId: installation.id,
        repositoryId: repository.id,
        owner: repository.full_name.split("/")[0]!,
        repo: repository.full_name.split("/").slice(1).join("/"),
        reason: "installed" as const,
        deliveryId: context.id,
      })),
    );
  }
  if (removed.length > 0) {
    await deps.db
      .deleteFrom("repositories")
      .where("installation_id", "=", installation.id)
      .where(
        "id",
        "in",
        removed.map((r) => r.id),
      )
      .execute();
    await dropCodeIndex(
      codeIndexDatabase(deps.db),
      installation.id,
      removed.map((r) => r.id),
    );
  }
  context.log.info(
    { installation: installation.id, added: added.length, removed: removed.length },
    "installation updated",
  );
}

/** Repositories as webhooks list them (fields optional in the types), keeping those with an id and name. */
function complete(repositories: Partial<RepositoryRef>[]): RepositoryRef[] {
  return repositories.flatMap((r) =>
    r.id !== undefined && r.full_name !== undefined
      ? [{ id: r.id, full_name: r.full_name, private: r.private ?? false }]
      : [],
  );
}

export async function upsertRepository(
  db: Database,
  installationId: number,
  repository: RepositoryRef & { default_branch?: string },
): Promise<void> {
  await db
    .insertInto("repositories")
    .values({
      id: repository.id,
      installation_id: installationId,
      full_name: repository.full_name,
      private: repository.private,
      default_branch: repository.default_branch ?? null,
    })
    .onConflict((oc) =>
      oc.column("id").doUpdateSet({
        installation_id: installationId,
        full_name: repository.full_name,
        private: repository.private,
        updated_at: new Date(),
      }),
    )
    .execute();
}
