import { isSuccess } from "./deliveries.ts";
import { pullRequestDelivery } from "./deliveries.ts";
import { noneOf, pollUntil, seconds, type Figure } from "./figures.ts";
import { headKey, headSha } from "./github-stand-in.ts";
import { WEBHOOK_SECRET } from "./revue-processes.ts";
import { reviewJobsSettled, startFaultRun } from "./start-fault-run.ts";
import { startThrowawayPostgres } from "./throwaway-postgres.ts";

export type DbOutageOptions = {
  pulls: number;
  /** Pushes per second sent during the whole run. */
  rate: number;
  /** How long the database is down (restart) and hung (frozen). */
  outageSeconds: number;
  settleSeconds: number;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Two web and two worker processes on a PostgreSQL of the harness's own, under a steady stream of
 * pushes: the server is shut down for `outageSeconds` and started again; later it hangs (every
 * process of it stopped) for `outageSeconds`, then thaws with every session terminated (connections
 * reset). No Revue process may die, no delivery answered 2xx may be missing, and every pull
 * request's last push must be reviewed once Revue has recovered (a delivery refused during the
 * outage comes back only when Revue asks GitHub to redeliver it: at a worker's start and every
 * 10 minutes).
 */
export async function dbOutage(options: DbOutageOptions): Promise<Figure[]> {
  const server = await startThrowawayPostgres();
  const databasePort = new URL(server.url).port;
  try {
    const run = await startFaultRun({
      adminUrl: server.url,
      pulls: options.pulls,
      modelDelayMs: 200,
    });
    try {
      const { processes, github, sender } = run;
      await processes.startWeb();
      await Promise.all([processes.startWeb(), processes.startWorker(), processes.startWorker()]);

      const pushes = new Map<number, number>();
      const lastDelivery = new Map<number, { id: string; sha: string }>();
      const inFlight = new Set<Promise<number>>();
      let sending = true;
      let count = 0;
      const load = (async () => {
        while (sending) {
          const pull = 1 + (count % options.pulls);
          const push = (pushes.get(pull) ?? 0) + 1;
          pushes.set(pull, push);
          const sha = headSha(run.run, pull, push);
          const id = `${run.run}-db-${count}`;
          lastDelivery.set(pull, { id, sha });
          github.setHead(pull, sha);
          const web = processes.webs[count % processes.webs.length]!;
          const sent = sender.send(
            web.url,
            pullRequestDelivery(id, pull, sha, "synchronize", WEBHOOK_SECRET),
          );
          inFlight.add(sent);
          void sent.finally(() => inFlight.delete(sent));
          count += 1;
          await sleep(1000 / options.rate);
        }
      })();

      const timeline: string[] = [];
      const mark = (event: string) => timeline.push(`${event} at ${seconds(Date.now() - started)}`);
      const started = Date.now();
      await sleep(10_000);
      mark("shut down");
      await server.stop();
      await sleep(options.outageSeconds * 1000);
      await server.start();
      mark("started again");
      await sleep(15_000);
      mark("frozen");
      server.freeze();
      await sleep(options.outageSeconds * 1000);
      server.thaw();
      await server.terminateSessions();
      mark("thawed, sessions terminated");
      await sleep(15_000);
      sending = false;
      await load;
      await Promise.all([...inFlight]);
      mark("load stopped");
      const recoveredAt = Date.now();

      const unreviewed = () =>
        [...lastDelivery].filter(
          ([pull, { sha }]) => !github.outcome().reviewsByHead.has(headKey(pull, sha)),
        );
      await pollUntil(() => unreviewed().length === 0, options.settleSeconds * 1000, 1000);
      await reviewJobsSettled(run, 60_000);
      await pollUntil(() => github.outcome().openCheckRuns === 0, 10_000);

      const answers = sender.answers;
      const accepted = [
        ...new Set(answers.filter((a) => isSuccess(a.status)).map((a) => a.delivery.id)),
      ];
      const stored = await run.storedDeliveries(accepted);
      const lost = accepted.filter((id) => !stored.has(id)).length;
      const refused = answers.filter((a) => !isSuccess(a.status));
      const leaky = refused.filter(
        (a) =>
          a.body !== undefined &&
          (a.body.includes(databasePort) || /ECONN|\bat \w+ \(|postgres/i.test(a.body)),
      );
      const lastIds = [...lastDelivery.values()].map((d) => d.id);
      const lastStored = await run.storedDeliveries(lastIds);
      const missing = unreviewed();
      const missingStored = missing.filter(([, { id }]) => lastStored.has(id)).length;
      const exited = processes.unexpectedExits(new Set());
      const outcome = github.outcome();
      await run.printOpenCheckRuns();
      const twice = [...outcome.reviewsByHead.keys()].filter(
        (key) => outcome.reviewsByHead.get(key)! > 1 || (outcome.postedByHead.get(key) ?? 0) > 1,
      ).length;
      for (const [pull] of missing) {
        console.log("last head unreviewed:", JSON.stringify(await run.describePull(pull), null, 1));
      }
      const scenario = "db-outage";
      return [
        { scenario, name: "timeline", value: timeline.join("; ") },
        { scenario, name: "deliveries sent", value: String(count) },
        noneOf(scenario, "Revue processes that died", exited.length),
        noneOf(scenario, "answered 2xx but not stored", lost),
        {
          scenario,
          name: "answered non-2xx (statuses)",
          value: `${refused.length} (${[...new Set(refused.map((a) => a.status))].join(", ")})`,
        },
        noneOf(scenario, "error answers naming the database or a stack", leaky.length),
        {
          scenario,
          name: "redeliveries Revue asked for",
          value: String(github.github.redeliveryRequests.length),
        },
        {
          scenario,
          name: `last heads unreviewed ${options.settleSeconds} s after the load`,
          value: `${missing.length} of ${lastDelivery.size} (${missingStored} of them stored)`,
          goal: "0",
          met: missing.length === 0,
        },
        noneOf(scenario, "heads reviewed twice", twice),
        noneOf(scenario, "check runs left open", outcome.openCheckRuns),
        {
          scenario,
          name: "time from the end of the load to all reviewed",
          value: missing.length === 0 ? seconds(Date.now() - recoveredAt) : "not reached",
        },
        {
          scenario,
          name: "review jobs by state",
          value: JSON.stringify(await run.reviewJobStates()),
        },
      ];
    } finally {
      await run.finish();
    }
  } finally {
    await server.destroy();
  }
}
