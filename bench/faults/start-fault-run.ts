import { randomBytes } from "node:crypto";
import pg from "pg";
import { DeliverySender } from "./deliveries.ts";
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
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  // A killed process or a restarted server may end this connection; the figures then fail, not the run.
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
    finish: async () => {
      await processes.stopAll();
      await client.end().catch(() => {});
      await sender.settled();
      await github.close();
      await model.close();
      await database.drop();
    },
  };
}
