import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { QueueMetricsSource } from "../queue/collect-queue-metrics.ts";
import type { Metrics } from "../metrics/create-metrics.ts";
import { metricsRoute } from "./metrics-route.ts";

/**
 * A small HTTP server answering only `GET /metrics`, for processes that serve no webhooks
 * (`npm run worker` with METRICS_PORT set). Resolves once listening; `close()` stops it.
 */
export async function serveMetrics(
  metrics: Metrics,
  queues: QueueMetricsSource,
  options: { host: string; port: number; log: Logger },
): Promise<{ port: number; close(): Promise<void> }> {
  const route = metricsRoute(metrics, queues, options.log);
  const server: Server = createServer((req, res) => {
    void route(req, res).then((handled) => {
      if (!handled) res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  options.log.info({ port }, "metrics served on /metrics");
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
