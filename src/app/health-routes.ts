import type { IncomingMessage, ServerResponse } from "node:http";
import { sql } from "kysely";
import type { PgBoss } from "pg-boss";
import type { Database } from "../db/open-database.ts";
import { countQueueJobs } from "../queue/count-queue-jobs.ts";
import { QUEUES, type JobName } from "../queue/jobs.ts";
import { withTimeout } from "./with-timeout.ts";

export type HealthDependencies = {
  db: Database;
  boss: PgBoss;
  /** pg-boss's schema (default `pgboss`). */
  queueSchema?: string;
  timeoutMs?: number;
};

/**
 * `GET /health`: the process is alive (no I/O).
 * `GET /ready`: the database answers and the queue is reachable; 503 with the reason otherwise.
 *   Its counts per queue (queued, active, dead-lettered) are read when asked, never cached.
 * Both answer JSON. Returns false for any other request so the next handler runs.
 */
export function healthRoutes(deps: HealthDependencies) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = req.url?.split("?")[0];
    if (req.method !== "GET") return false;
    if (path === "/health") {
      sendJson(res, 200, { status: "ok", uptimeSeconds: Math.round(process.uptime()) });
      return true;
    }
    if (path === "/ready") {
      try {
        const queues = await withTimeout(checkReady(deps), deps.timeoutMs ?? 3000);
        sendJson(res, 200, { status: "ready", database: "ok", queues });
      } catch (error) {
        sendJson(res, 503, { status: "unavailable", reason: (error as Error).message });
      }
      return true;
    }
    return false;
  };
}

async function checkReady(deps: HealthDependencies) {
  await sql`select 1`.execute(deps.db);
  for (const name of Object.keys(QUEUES) as JobName[]) {
    if (!(await deps.boss.getQueue(name))) throw new Error(`queue ${name} does not exist`);
  }
  return countQueueJobs(deps.db, deps.queueSchema ?? "pgboss");
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}
