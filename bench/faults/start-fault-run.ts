import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { DeliverySender } from "./deliveries.ts";
import { pollUntil } from "./figures.ts";
import { createFaultDatabase } from "./fault-database.ts";
import { startGitHub } from "./github-stand-in.ts";
import { RevueProcesses, revueEnvironment } from "./revue-processes.ts";
import { startSlowModel } from "./slow-model.ts";

export type FaultRun = Awaited<ReturnType<typeof startFaultRun>>;

/**
 * Everything a scenario runs against: a fresh database on `databaseUrl`'s server, GitHub with
 * `pulls` pull requests, the model answering after `modelDelayMs`, a delivery sender, and no
 * Revue process yet. `finish()` stops the processes and removes all of it.
 */
export async function startFaultRun(options: {
  adminUrl: string;
  pulls: number;
  modelDelayMs: number;
}) {
  const run = randomBytes(3).toString("hex");
  const database = await createFaultDatabase(options.adminUrl);
  const github = await startGitHub(run, options.pulls);
  const model = await startSlowModel(options.modelDelayMs);
  const env = revueEnvironment({
    databaseUrl: database.url,
    githubHost: github.host,
    modelUrl: model.url,
  });
  const processes = new RevueProcesses(env);
  const sender = new DeliverySender(github.github, () => processes.webs[0]!.url);
  // A pool: a restarted server ends its connections, and the next query opens a new one.
  const client = new pg.Pool({ connectionString: database.url, max: 2 });
  client.on("error", () => {});

  return {
    run,
    database,
    github,
    model,
    processes,
    sender,
    /** The ids among `ids` stored as received deliveries. */
    storedDeliveries: async (ids: string[]) => {
      const { rows } = await client.query<{ delivery_id: string }>(
        "SELECT delivery_id FROM webhook_deliveries WHERE delivery_id = ANY($1)",
        [ids],
      );
      return new Set(rows.map((row) => row.delivery_id));
    },
    /** Review jobs by state. */
    reviewJobStates: async () => {
      const { rows } = await client.query<{ state: string; count: string }>(
        "SELECT state::text AS state, count(*) AS count FROM pgboss.job WHERE name = 'review-pull-request' GROUP BY state",
      );
      return Object.fromEntries(rows.map((row) => [row.state, Number(row.count)]));
    },
    /**
     * What happened to pull request `pull`, for a figure that missed its goal: its review jobs,
     * Revue's review rows and GitHub's check runs and reviews.
     */
    describePull: async (pull: number) => {
      const jobs = await client.query(
        `SELECT id, state::text, retry_count, data->>'headSha' AS head, data->>'deliveryId' AS delivery,
                created_on, started_on, completed_on, output
           FROM pgboss.job WHERE name = 'review-pull-request' AND (data->>'pullNumber')::int = $1
          ORDER BY created_on`,
        [pull],
      );
      const reviews = await client.query(
        "SELECT id, head_sha, status, job_id, check_run_id, created_at FROM reviews WHERE pull_number = $1 ORDER BY id",
        [pull],
      );
      const checkRuns = [...github.github.checkRuns.values()]
        .filter((checkRun) =>
          reviews.rows.some(
            (r: { check_run_id: number }) => Number(r.check_run_id) === checkRun.id,
          ),
        )
        .map(({ id, head_sha, status, conclusion, output }) => ({
          id,
          head_sha,
          status,
          conclusion,
          title: (output as { title?: string } | undefined)?.title,
        }));
      return {
        pull,
        head: github.headOf(pull),
        jobs: jobs.rows,
        reviews: reviews.rows,
        checkRuns,
        posted: github.github.reviews
          .filter((r) => r.pullNumber === pull)
          .map((r) => ({ commit_id: r.commit_id, state: r.state })),
      };
    },
    /** Prints the check runs left open, with Revue's review rows for their heads. */
    printOpenCheckRuns: async () => {
      for (const checkRun of github.github.checkRuns.values()) {
        if (checkRun.status === "completed") continue;
        const { rows } = await client.query(
          "SELECT id, pull_number, head_sha, status, job_id, check_run_id FROM reviews WHERE head_sha = $1 OR check_run_id = $2",
          [checkRun.head_sha, checkRun.id],
        );
        const { id, head_sha, status, external_id, output } = checkRun;
        console.log(
          "check run left open:",
          JSON.stringify({ id, head_sha, status, external_id, output, reviews: rows }),
        );
      }
    },
    finish: async () => {
      await processes.stopAll();
      const logs = path.join(tmpdir(), `revue-faults-${run}`);
      processes.saveOutputs(logs);
      console.log(`   process output: ${logs}`);
      await client.end().catch(() => {});
      await sender.settled();
      await github.close();
      await model.close();
      await database.drop();
    },
  };
}

/** Waits (up to `timeoutMs`) until no review job is created, retrying or active. */
export async function reviewJobsSettled(run: FaultRun, timeoutMs: number): Promise<boolean> {
  return pollUntil(async () => {
    const jobs = await run.reviewJobStates();
    return (jobs.created ?? 0) + (jobs.retry ?? 0) + (jobs.active ?? 0) === 0;
  }, timeoutMs);
}
