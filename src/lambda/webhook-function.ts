import { createLambdaFunction } from "@probot/adapter-aws-lambda-serverless";
import type { Context } from "aws-lambda";
import type { Logger } from "pino";
import type { Probot } from "probot";
import { registerWebhookHandlers, type AppDependencies } from "../app/create-app.ts";
import { MAX_WEBHOOK_BYTES } from "../app/guard-webhook-requests.ts";
import { jsonResult, readHttpEvent, type HttpEvent, type HttpResult } from "./http-event.ts";

export type WebhookFunctionDependencies = AppDependencies & {
  /** A Probot with the App's id, key and webhook secret. */
  probot: Probot;
  log: Logger;
  /** Larger bodies answer 413 before anything is parsed. */
  maxBodyBytes?: number;
};

const REQUIRED_HEADERS = ["x-github-event", "x-github-delivery", "x-hub-signature-256"] as const;

/**
 * The AWS Lambda webhook function: verifies a delivery and enqueues its work, nothing more (the
 * worker function reviews). Built on @probot/adapter-aws-lambda-serverless (which runs on our
 * Probot 14 through npm `overrides`), with what the adapter leaves out done here first: API Gateway
 * v1 and v2 events, base64 bodies, 405 for anything but POST, 413 for an oversized body, 400 naming
 * a missing header, 401 for a wrong signature (the adapter would throw). A handler failure (the
 * database is down) answers 500 so GitHub shows the delivery as failed and it can be redelivered.
 */
export async function createWebhookFunction(
  deps: WebhookFunctionDependencies,
): Promise<(event: HttpEvent, context?: Context) => Promise<HttpResult>> {
  await deps.probot.load((app: Probot) => registerWebhookHandlers(app, deps));
  // The adapter's own app function stays empty: the handlers are loaded (and awaited) above.
  const receive = createLambdaFunction(() => {}, { probot: deps.probot });
  const maxBodyBytes = deps.maxBodyBytes ?? MAX_WEBHOOK_BYTES;

  return async (event, context) => {
    const request = readHttpEvent(event);
    if (request.method !== "POST") {
      return {
        ...jsonResult(405, { error: "GitHub webhooks are POST requests" }),
        headers: { "content-type": "application/json", allow: "POST" },
      };
    }
    if (request.body.length > maxBodyBytes) {
      deps.log.warn({ bytes: request.body.length, maxBodyBytes }, "webhook body too large");
      return jsonResult(413, { error: `body larger than ${maxBodyBytes} bytes` });
    }
    const missing = REQUIRED_HEADERS.filter((name) => !request.headers[name]);
    if (missing.length > 0) {
      return jsonResult(400, { error: `missing header: ${missing.join(", ")}` });
    }
    const payload = request.body.toString("utf8");
    const log = deps.log.child({
      delivery: request.headers["x-github-delivery"],
      event: request.headers["x-github-event"],
    });
    const signature = request.headers["x-hub-signature-256"]!;
    if (!(await deps.probot.webhooks.verify(payload, signature).catch(() => false))) {
      log.warn("webhook signature does not match WEBHOOK_SECRET");
      return jsonResult(401, { error: "signature does not match" });
    }
    try {
      JSON.parse(payload);
    } catch {
      return jsonResult(400, { error: "body is not JSON" });
    }
    try {
      await receive(
        {
          httpMethod: "POST",
          path: request.path,
          headers: request.headers,
          body: payload,
        } as never, // the adapter reads only these fields
        context ?? ({} as Context),
      );
    } catch (error) {
      log.error({ err: error }, "webhook handler failed");
      return jsonResult(500, { error: "could not handle the delivery; redeliver it later" });
    }
    return jsonResult(200, { ok: true });
  };
}
