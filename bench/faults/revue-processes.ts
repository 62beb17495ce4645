import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { spawnRevue, type SpawnedRevue } from "../../test/helpers/spawn-revue.ts";
import { testPrivateKey } from "../../test/helpers/test-keys.ts";

export const WEBHOOK_SECRET = "faults-webhook-secret";

/** The environment every process of a run shares: one database, GitHub and the model stand-ins. */
export function revueEnvironment(stands: {
  databaseUrl: string;
  githubHost: string;
  modelUrl: string;
}): Record<string, string> {
  return {
    APP_ID: "1",
    PRIVATE_KEY: testPrivateKey(),
    WEBHOOK_SECRET,
    GHE_HOST: stands.githubHost,
    GHE_PROTOCOL: "http",
    ANTHROPIC_API_KEY: "sk-ant-faults-0123456789abcdefghij",
    ANTHROPIC_BASE_URL: stands.modelUrl,
    DATABASE_URL: stands.databaseUrl,
    REVUE_QUEUE_POLL_SECONDS: "0.5",
    LOG_LEVEL: "info",
  };
}

/**
 * The processes of a run, started as `npm start` (REVUE_WORKERS=false) and `npm run worker` start
 * them; `stopAll()` stops whatever is still running (SIGTERM, then SIGKILL after 30 s).
 */
export class RevueProcesses {
  readonly webs: SpawnedRevue[] = [];
  readonly workers: SpawnedRevue[] = [];

  private readonly env: Record<string, string>;

  constructor(env: Record<string, string>) {
    this.env = env;
  }

  async startWeb(extra: Record<string, string> = {}): Promise<SpawnedRevue> {
    const web = await spawnRevue({
      ...this.env,
      LOG_LEVEL: "warn",
      ...extra,
      REVUE_WORKERS: "false",
    });
    this.webs.push(web);
    await web.ready(120_000);
    return web;
  }

  /** Starts a worker process and resolves once its workers poll the queues. */
  async startWorker(extra: Record<string, string> = {}): Promise<SpawnedRevue> {
    const worker = await spawnRevue({ ...this.env, ...extra }, { script: "src/bin/worker.ts" });
    this.workers.push(worker);
    const deadline = Date.now() + 120_000;
    while (!worker.output().includes("workers started")) {
      if (worker.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`a worker did not start:\n${worker.output().slice(-4000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return worker;
  }

  /** Processes that exited on their own (not stopped or killed by the harness). */
  unexpectedExits(stoppedByHarness: Set<SpawnedRevue>): SpawnedRevue[] {
    return [...this.webs, ...this.workers].filter(
      (p) => p.child.exitCode !== null && !stoppedByHarness.has(p),
    );
  }

  /** Writes every process's output to `dir` (web-1.log, worker-1.log, ...) for a post-mortem. */
  saveOutputs(dir: string): void {
    mkdirSync(dir, { recursive: true });
    this.webs.forEach((p, i) => writeFileSync(path.join(dir, `web-${i + 1}.log`), p.output()));
    this.workers.forEach((p, i) =>
      writeFileSync(path.join(dir, `worker-${i + 1}.log`), p.output()),
    );
  }

  async stopAll(): Promise<void> {
    await Promise.all(
      [...this.webs, ...this.workers].map(async (p) => {
        if (p.child.exitCode !== null || p.child.signalCode !== null) return;
        const timer = setTimeout(() => p.child.kill("SIGKILL"), 30_000);
        await p.stop();
        clearTimeout(timer);
      }),
    );
  }
}
