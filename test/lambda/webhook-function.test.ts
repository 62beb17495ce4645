import { beforeEach, describe, expect, it } from "vitest";
import { MAX_WEBHOOK_BYTES } from "../../src/app/guard-webhook-requests.ts";
import { createWebhookFunction } from "../../src/lambda/webhook-function.ts";
import type { HttpEvent, HttpResult } from "../../src/lambda/http-event.ts";
import { createTestProbot, WEBHOOK_SECRET } from "../helpers/revue-harness.ts";
import { silentLogger } from "../helpers/silent-logger.ts";
import { backends } from "../helpers/test-database.ts";
import { useHarness } from "../helpers/use-harness.ts";
import { HEAD_SHA, pullRequestOpened, PULL_NUMBER } from "../helpers/fixtures.ts";
import { githubHeaders, httpApiEvent, lambdaContext, restApiEvent } from "./lambda-events.ts";

const shapes = [
  ["API Gateway v1 (REST)", restApiEvent],
  ["API Gateway v2 (HTTP API)", httpApiEvent],
] as const;

describe.each(backends)("Lambda webhook function on %s", (backend) => {
  // The queue as the Lambda functions run it. The function loads the webhook handlers into a Probot
  // of its own (the harness's already has them, behind its HTTP server), as open-lambda-runtime.ts.
  const { harness } = useHarness(backend, { queue: { background: false } });
  let handle: (event: HttpEvent) => Promise<HttpResult>;

  beforeEach(async () => {
    const log = silentLogger();
    const fn = await createWebhookFunction({
      config: harness().config,
      db: harness().db.db,
      boss: harness().boss,
      probot: createTestProbot(log),
      log,
    });
    handle = (event) => fn(event, lambdaContext(30_000));
  });

  const queued = () => harness().boss.findJobs("review-pull-request", {});

  describe.each(shapes)("with %s events", (_shape, makeEvent) => {
    it.each([false, true])(
      "verifies and enqueues a review, only that (base64 body: %s)",
      async (base64) => {
        const body = JSON.stringify(pullRequestOpened());
        const result = await handle(
          makeEvent(
            body,
            githubHeaders(body, { secret: WEBHOOK_SECRET, deliveryId: `d-${String(base64)}` }),
            {
              base64,
            },
          ),
        );
        expect(result).toMatchObject({ statusCode: 200, body: '{"ok":true}' });
        const jobs = await queued();
        expect(jobs).toHaveLength(1);
        expect(jobs[0]!.data).toMatchObject({
          pullNumber: PULL_NUMBER,
          headSha: HEAD_SHA,
          deliveryId: `d-${String(base64)}`,
          trigger: "opened",
        });
        const delivery = await harness()
          .db.db.selectFrom("webhook_deliveries")
          .selectAll()
          .executeTakeFirstOrThrow();
        expect(delivery.delivery_id).toBe(`d-${String(base64)}`);
      },
    );

    it("answers 401 to a wrong signature and enqueues nothing", async () => {
      const body = JSON.stringify(pullRequestOpened());
      const result = await handle(
        makeEvent(body, githubHeaders(body, { secret: "not-the-secret" }), { base64: true }),
      );
      expect(result.statusCode).toBe(401);
      expect(JSON.parse(result.body)).toEqual({ error: "signature does not match" });
      expect(await queued()).toHaveLength(0);
    });

    it("answers 401 when the body was changed after signing", async () => {
      const body = JSON.stringify(pullRequestOpened());
      const headers = githubHeaders(body, { secret: WEBHOOK_SECRET });
      const result = await handle(makeEvent(body.replace('"opened"', '"reopened"'), headers));
      expect(result.statusCode).toBe(401);
      expect(await queued()).toHaveLength(0);
    });

    it.each(["X-GitHub-Event", "X-GitHub-Delivery", "X-Hub-Signature-256"])(
      "answers 400 naming a missing %s header",
      async (header) => {
        const body = JSON.stringify(pullRequestOpened());
        const headers = githubHeaders(body, { secret: WEBHOOK_SECRET });
        delete headers[header];
        const result = await handle(makeEvent(body, headers));
        expect(result.statusCode).toBe(400);
        expect(JSON.parse(result.body).error).toBe(`missing header: ${header.toLowerCase()}`);
        expect(await queued()).toHaveLength(0);
      },
    );

    it("answers 413 to a body larger than GitHub ever sends, before verifying it", async () => {
      const body = `{"padding":"${"x".repeat(MAX_WEBHOOK_BYTES)}"}`;
      const result = await handle(makeEvent(body, githubHeaders(body, { secret: WEBHOOK_SECRET })));
      expect(result.statusCode).toBe(413);
      expect(await queued()).toHaveLength(0);
    });

    it("answers 400 to a signed body that is not JSON", async () => {
      const body = "payload=%7B%7D";
      const result = await handle(makeEvent(body, githubHeaders(body, { secret: WEBHOOK_SECRET })));
      expect(result.statusCode).toBe(400);
      expect(JSON.parse(result.body).error).toBe("body is not JSON");
    });

    it("answers 405 to anything but POST", async () => {
      const result = await handle(makeEvent("", {}, { method: "GET" }));
      expect(result.statusCode).toBe(405);
      expect(result.headers.allow).toBe("POST");
    });
  });
});
