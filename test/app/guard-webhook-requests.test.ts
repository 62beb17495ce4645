import { createHmac } from "node:crypto";
import { createServer, request, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { GENERIC_FAILURE } from "../../src/app/answer-generic-failure.ts";
import { guardWebhookRequests } from "../../src/app/guard-webhook-requests.ts";
import { silentLogger } from "../helpers/silent-logger.ts";
import { sendWebhook } from "../helpers/sign-webhook.ts";

const SECRET = "guard-secret";

/** An HTTP server whose only listener stands for Probot's (it records what reaches it). */
async function guarded(
  receive: (event: { id: string; name: string; payload: unknown }) => Promise<void>,
  maxBodyBytes?: number,
) {
  const reachedListener: { url?: string; body?: unknown }[] = [];
  const verified: string[] = [];
  const server: Server = createServer((req: IncomingMessage & { body?: unknown }, res) => {
    reachedListener.push({ url: req.url, body: req.body });
    res.writeHead(299).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { timingSafeEqual } = await import("node:crypto");
  guardWebhookRequests(server, {
    verify: async (payload, signature) => {
      verified.push(payload);
      const expected = `sha256=${createHmac("sha256", SECRET).update(payload).digest("hex")}`;
      return (
        expected.length === signature.length &&
        timingSafeEqual(Buffer.from(expected), Buffer.from(signature))
      );
    },
    receive,
    webhookPaths: ["/", "/api/github/webhooks"],
    receiveDeadlineMs: 1000,
    ...(maxBodyBytes === undefined ? {} : { maxBodyBytes }),
    log: silentLogger(),
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, url, reachedListener, verified };
}

describe("the webhook guard hands a verified delivery to the handlers itself", () => {
  let server: Server | undefined;
  afterEach(
    () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
  );

  it("calls the handlers once, answers 200 when they are done, and never passes it on to be verified again", async () => {
    const received: unknown[] = [];
    let finish = () => {};
    const guard = await guarded(async (event) => {
      received.push(event);
      if (received.length === 1) await new Promise<void>((resolve) => (finish = resolve));
    });
    server = guard.server;

    const answered = sendWebhook(
      `${guard.url}/api/github/webhooks/`,
      "pull_request",
      { n: 1 },
      {
        secret: SECRET,
        deliveryId: "d-1",
      },
    );
    await expect.poll(() => received.length).toBe(1);
    let settled = false;
    void answered.then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(settled).toBe(false);
    finish();
    const answer = await answered;

    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe("ok\n");
    expect(received).toEqual([{ id: "d-1", name: "pull_request", payload: { n: 1 } }]);
    expect(guard.verified).toHaveLength(1);
    expect(guard.reachedListener).toEqual([]);

    const atRoot = await sendWebhook(
      `${guard.url}/?from=smee`,
      "issues",
      { n: 2 },
      { secret: SECRET },
    );
    expect(atRoot.status).toBe(200);
    expect(received).toHaveLength(2);
    expect(guard.reachedListener).toEqual([]);
  });

  it("answers a failed handler with its generic message and status, as the webhook library would", async () => {
    const guard = await guarded(async () => {
      throw new AggregateError([new Error(GENERIC_FAILURE)]);
    });
    server = guard.server;

    const answer = await sendWebhook(
      `${guard.url}/api/github/webhooks`,
      "pull_request",
      {},
      {
        secret: SECRET,
      },
    );

    expect(answer.status).toBe(500);
    expect(await answer.json()).toEqual({ error: `Error: ${GENERIC_FAILURE}` });
  });

  it("answers 500, never a 2xx, when the handlers outlive the deadline", async () => {
    const guard = await guarded(() => new Promise<void>(() => {}));
    server = guard.server;

    const answer = await sendWebhook(`${guard.url}/`, "pull_request", {}, { secret: SECRET });

    expect(answer.status).toBe(500);
    expect(await answer.json()).toEqual({ error: `Error: ${GENERIC_FAILURE}` });
  });

  it("answers 401 to a bad signature and 400 to a body that is not JSON, calling no handler", async () => {
    const received: unknown[] = [];
    const guard = await guarded(async (event) => void received.push(event));
    server = guard.server;

    const forged = await sendWebhook(
      `${guard.url}/api/github/webhooks`,
      "pull_request",
      {},
      {
        secret: "not-the-secret",
      },
    );
    const text = "{not json";
    const notJson = await fetch(`${guard.url}/api/github/webhooks`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "pull_request",
        "x-github-delivery": "d-2",
        "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(text).digest("hex")}`,
      },
      body: text,
    });

    expect(forged.status).toBe(401);
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({ error: "SyntaxError: Invalid JSON" });
    expect(received).toEqual([]);
  });

  it("leaves other paths and other bodies to the listeners, with the body read", async () => {
    const received: unknown[] = [];
    const guard = await guarded(async (event) => void received.push(event));
    server = guard.server;

    const elsewhere = await sendWebhook(
      `${guard.url}/dashboard/x`,
      "pull_request",
      { n: 3 },
      {
        secret: SECRET,
      },
    );
    const form = await fetch(`${guard.url}/api/github/webhooks`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "a=1",
    });

    expect(elsewhere.status).toBe(299);
    expect(form.status).toBe(299);
    expect(guard.reachedListener).toEqual([
      { url: "/dashboard/x", body: JSON.stringify({ n: 3 }) },
      { url: "/api/github/webhooks", body: "a=1" },
    ]);
    expect(received).toEqual([]);
  });

  it("hands the handlers nothing whose signature it did not check: headers missing go on to the listeners", async () => {
    const received: unknown[] = [];
    const guard = await guarded(async (event) => void received.push(event));
    server = guard.server;
    const body = JSON.stringify({ n: 4 });
    const signed = `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
    const full: Record<string, string> = {
      "content-type": "application/json",
      "x-github-event": "pull_request",
      "x-github-delivery": "d-4",
      "x-hub-signature-256": signed,
    };
    const without = (header: string) =>
      Object.fromEntries(Object.entries(full).filter(([name]) => name !== header));

    for (const header of ["x-hub-signature-256", "x-github-event", "x-github-delivery"]) {
      const answer = await fetch(`${guard.url}/api/github/webhooks`, {
        method: "POST",
        headers: without(header),
        body,
      });
      expect(answer.status, header).toBe(299);
    }
    const asText = await fetch(`${guard.url}/api/github/webhooks`, {
      method: "POST",
      headers: { ...full, "content-type": "text/plain" },
      body,
    });
    const json = await fetch(`${guard.url}/api/github/webhooks`, {
      method: "POST",
      headers: { ...full, "content-type": " application/json; charset=utf-8" },
      body,
    });

    expect(asText.status).toBe(299);
    expect(json.status).toBe(200);
    expect(received).toEqual([{ id: "d-4", name: "pull_request", payload: { n: 4 } }]);
    expect(guard.reachedListener).toHaveLength(4);
    // Only the two with all three headers were checked; the unsigned one never was.
    expect(guard.verified).toHaveLength(3);
  });

  it("answers 413 to a body over the limit, declared or streamed, and takes one at the limit", async () => {
    const received: unknown[] = [];
    const guard = await guarded(async (event) => void received.push(event), 64);
    server = guard.server;
    const post = (body: string, chunked: boolean) =>
      new Promise<number>((resolve, reject) => {
        const signed = `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
        const req = request(`${guard.url}/api/github/webhooks`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-github-event": "pull_request",
            "x-github-delivery": `d-${body.length}-${chunked}`,
            "x-hub-signature-256": signed,
            ...(chunked ? {} : { "content-length": Buffer.byteLength(body) }),
          },
        });
        req.on("response", (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on("error", reject);
        if (chunked) {
          // Two writes: the limit is crossed while the body streams.
          req.write(body.slice(0, 40));
          req.end(body.slice(40));
        } else {
          req.end(body);
        }
      });
    const ofLength = (n: number) => JSON.stringify({ p: "x".repeat(n - 8) });

    expect(ofLength(64)).toHaveLength(64);
    expect(await post(ofLength(65), false)).toBe(413);
    expect(await post(ofLength(65), true)).toBe(413);
    expect(await post(ofLength(64), false)).toBe(200);
    expect(await post(ofLength(64), true)).toBe(200);
    expect(received).toHaveLength(2);
  });
});
