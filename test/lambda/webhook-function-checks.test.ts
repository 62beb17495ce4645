import { Writable } from "node:stream";
import { pino } from "pino";
import type { Probot } from "probot";
import { beforeEach, describe, expect, it } from "vitest";
import { createWebhookFunction } from "../../src/lambda/webhook-function.ts";
import type { HttpEvent, HttpResult } from "../../src/lambda/http-event.ts";
import { createTestProbot, WEBHOOK_SECRET } from "../helpers/revue-harness.ts";
import { githubHeaders, httpApiEvent, lambdaContext } from "./lambda-events.ts";

/**
 * The checks the webhook function makes before any handler runs (method, size, headers,
 * signature) and its answer when a handler fails. No database: the events used here never reach
 * Revue's handlers, so they are given none (webhook-function.test.ts runs the whole path).
 */
describe("Lambda webhook function, checks before the handlers", () => {
  const LIMIT = 64;
  let probot: Probot;
  let logged: Record<string, unknown>[];
  let handle: (event: HttpEvent) => Promise<HttpResult>;

  beforeEach(async () => {
    logged = [];
    const sink = new Writable({
      write(line: Buffer, _encoding, done) {
        logged.push(JSON.parse(line.toString("utf8")) as Record<string, unknown>);
        done();
      },
    });
    const log = pino({ level: "info" }, sink);
    probot = createTestProbot(pino({ level: "silent" }));
    const fn = await createWebhookFunction({
      // Only captured by the handlers, which these events never reach.
      config: {} as never,
      db: {} as never,
      boss: {} as never,
      probot,
      log,
      maxBodyBytes: LIMIT,
    });
    handle = (event) => fn(event, lambdaContext(30_000));
  });

  /** A signed `ping` delivery (no Revue handler listens to it) whose body is `size` bytes. */
  function pingOfSize(size: number, deliveryId = "d-ping"): HttpEvent {
    const prefix = '{"zen":"';
    const body = `${prefix}${"x".repeat(size - prefix.length - 2)}"}`;
    expect(Buffer.byteLength(body)).toBe(size);
    return httpApiEvent(
      body,
      githubHeaders(body, { secret: WEBHOOK_SECRET, event: "ping", deliveryId }),
    );
  }

  it("answers 405 in JSON, with Allow: POST, to anything but POST", async () => {
    const result = await handle(httpApiEvent("", {}, { method: "GET" }));
    expect(result).toEqual({
      statusCode: 405,
      headers: { "content-type": "application/json", allow: "POST" },
      body: JSON.stringify({ error: "GitHub webhooks are POST requests" }),
    });
  });

  it("accepts a body of exactly the limit and refuses one byte more, saying why", async () => {
    expect((await handle(pingOfSize(LIMIT))).statusCode).toBe(200);
    expect(logged).toEqual([]);

    const result = await handle(pingOfSize(LIMIT + 1));
    expect(result.statusCode).toBe(413);
    expect(JSON.parse(result.body)).toEqual({ error: `body larger than ${LIMIT} bytes` });
    expect(logged).toMatchObject([
      { level: 40, msg: "webhook body too large", bytes: LIMIT + 1, maxBodyBytes: LIMIT },
    ]);
  });

  it("names every missing header in one answer", async () => {
    const result = await handle(httpApiEvent("{}", {}));
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toEqual({
      error: "missing header: x-github-event, x-github-delivery, x-hub-signature-256",
    });
  });

  it("logs a refused signature with the delivery and event it claimed", async () => {
    const body = '{"zen":"hi"}';
    const headers = githubHeaders(body, { secret: "not-the-secret", event: "ping" });
    const result = await handle(
      httpApiEvent(body, { ...headers, "X-GitHub-Delivery": "d-forged" }),
    );
    expect(result.statusCode).toBe(401);
    expect(logged).toMatchObject([
      {
        level: 40,
        msg: "webhook signature does not match WEBHOOK_SECRET",
        delivery: "d-forged",
        event: "ping",
      },
    ]);
  });

  it("answers 401 when verifying throws (an empty body), not on to parsing", async () => {
    // @octokit/webhooks-methods throws a TypeError on an empty payload instead of answering false.
    const result = await handle(httpApiEvent("", githubHeaders("", { secret: WEBHOOK_SECRET })));
    expect(result.statusCode).toBe(401);
    expect(JSON.parse(result.body)).toEqual({ error: "signature does not match" });
  });

  it("answers 500 and logs the error when a handler fails, so GitHub can redeliver", async () => {
    probot.webhooks.on("ping", () => {
      throw new Error("database is down");
    });
    const result = await handle(pingOfSize(LIMIT, "d-failing"));
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body)).toEqual({
      error: "could not handle the delivery; redeliver it later",
    });
    expect(logged).toMatchObject([
      {
        level: 50,
        msg: "webhook handler failed",
        delivery: "d-failing",
        err: { message: expect.stringContaining("database is down") as unknown },
      },
    ]);
  });
});
