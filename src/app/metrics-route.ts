import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { collectQueueMetrics, type QueueMetricsSource } from "../queue/collect-queue-metrics.ts";
import type { Metrics } from "../metrics/create-metrics.ts";

/**
 * `GET /metrics` in the Prometheus text format: the counters recorded so far, and queue gauges read
 * from pg-boss at scrape time. Returns false for any other request so the next handler runs. A
 * queue that cannot be read answers 503 (the scrape shows as failed rather than as stale numbers).
 */
export function metricsRoute(
  metrics: Metrics,
  queues: QueueMetricsSource | undefined,
  log?: Logger,
) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== "GET" || req.url?.split("?")[0] !== "/metrics") return false;
    try {
      if (queues) await collectQueueMetrics(metrics, queues);
      const body = await metrics.registry.metrics();
      res.writeHead(200, { "content-type": metrics.registry.contentType }).end(body);
    } catch (error) {
      log?.error({ err: error }, "could not collect metrics");
      res
        .writeHead(503, { "content-type": "text/plain; charset=utf-8" })
        .end(`metrics unavailable: ${(error as Error).message}\n`);
    }
    return true;
  };
}
