import type { Context } from "aws-lambda";
import { ConfigError } from "../config/read-config.ts";
import type { HttpEvent, HttpResult } from "./http-event.ts";
import { jsonResult } from "./http-event.ts";
import type { Runtime } from "../runtime/build-runtime.ts";
import { openLambdaRuntime } from "./open-lambda-runtime.ts";
import { createWebhookFunction } from "./webhook-function.ts";
import { createWorkerFunction, type DrainSummary } from "./worker-function.ts";

// One runtime per Lambda container, opened on the first invocation and reused while the container
// lives. A failed cold start is forgotten so the next invocation tries again.
let runtime: Promise<Runtime> | undefined;
let webhook: Promise<(event: HttpEvent, context?: Context) => Promise<HttpResult>> | undefined;
let drain: ReturnType<typeof createWorkerFunction> | undefined;

function openRuntimeOnce(): Promise<Runtime> {
  runtime ??= openLambdaRuntime().catch((error: unknown) => {
    runtime = undefined;
    throw error;
  });
  return runtime;
}

/**
 * The webhook function's handler (API Gateway REST or HTTP API, or a function URL). A
 * configuration problem answers 503 with what to set, so the delivery shows it on GitHub.
 */
export async function webhookHandler(event: HttpEvent, context: Context): Promise<HttpResult> {
  try {
    webhook ??= openRuntimeOnce().then((r) =>
      createWebhookFunction({
        config: r.config,
        db: r.database.db,
        boss: r.boss,
        probot: r.probot,
        log: r.log,
      }),
    );
    const handle = await webhook.catch((error: unknown) => {
      webhook = undefined;
      throw error;
    });
    return await handle(event, context);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`revue: ${error.message}`);
      return jsonResult(503, { error: error.message });
    }
    throw error;
  }
}

/** The worker function's handler, run on a schedule (EventBridge): drains the queues. */
export async function workerHandler(event: unknown, context: Context): Promise<DrainSummary> {
  const r = await openRuntimeOnce();
  drain ??= createWorkerFunction(r.workerDependencies);
  return drain(event, context);
}
