import type { Context } from "probot";
import type { Database } from "../db/open-database.ts";
import { indexKey } from "../queue/index-job.ts";
import {
  recordAndEnqueue,
  type JobToEnqueue,
  type IntakeDependencies,
} from "./record-and-enqueue.ts";

type Account = { id: number; login: string; type?: string } | null | undefined;
type RepositoryRef = { id: number; full_name: string; private: boolean };

/**
 * `installation` and `installation_repositories`: keep the installations and repositories tables in
 * step with GitHub, and hand the code index's work to workers: index each added repository, drop
 * the index of removed ones (or of every repository when the App is uninstalled). The rows, the
 * delivery and the jobs are written in one transaction, so a redelivery does nothing.
 */
export async function handleInstallation(
  deps: IntakeDependencies,
  context: Context<"installation"> | Context<"installation_repositories">,
): Promise<void> {
  const { payload } = context;
  const installation = payload.installation;
  const account = installation.account as Account;
  const delivery = { id: context.id, event: `${context.name}.${payload.action}` };
  if (payload.action === "deleted") {
    // The App no longer sees this code: its index goes too (in a worker).
    const outcome = await recordAndEnqueue(
      deps,
      delivery,
      [
        {
          name: "drop-code-index",
          payload: { installationId: installation.id, repositoryIds: null, deliveryId: context.id },
        },
      ],
      async (trx) => {
        await trx.deleteFrom("installations").where("id", "=", installation.id).execute();
      },
    );
    context.log.info({ installation: installation.id, outcome }, "installation deleted");
    return;
  }

  const added = complete(
    "repositories_added" in payload ? payload.repositories_added : (payload.repositories ?? []),
  );
  const removed = complete("repositories_removed" in payload ? payload.repositories_removed : []);
  const jobs: JobToEnqueue[] = [];
  // Index each added repository's default branch in a worker (not on suspend).
  if (payload.action !== "suspend") {
    for (const repository of added) {
      const job = {
        installationId: installation.id,
        repositoryId: repository.id,
        owner: repository.full_name.split("/")[0]!,
        repo: repository.full_name.split("/").slice(1).join("/"),
        reason: "installed" as const,
        deliveryId: context.id,
      };
      jobs.push({ name: "index-repository", payload: job, singletonKey: indexKey(job) });
    }
  }
  if (removed.length > 0) {
    jobs.push({
      name: "drop-code-index",
      payload: {
        installationId: installation.id,
        repositoryIds: removed.map((r) => r.id),
        deliveryId: context.id,
      },
    });
  }

  const outcome = await recordAndEnqueue(deps, delivery, jobs, async (trx) => {
    await trx
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
    for (const repository of added) {
      await upsertRepository(trx, installation.id, repository);
    }
    if (removed.length > 0) {
      await trx
        .deleteFrom("repositories")
        .where("installation_id", "=", installation.id)
        .where(
          "id",
          "in",
          removed.map((r) => r.id),
        )
        .execute();
    }
  });
  context.log.info(
    { installation: installation.id, added: added.length, removed: removed.length, outcome },
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

async function upsertRepository(
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
