import { createHmac } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { pullRequestOpened } from "../helpers/fixtures.ts";
import { freePort } from "../helpers/spawn-revue.ts";
import { testPrivateKey } from "../helpers/test-keys.ts";
import { runRevue, type RevueProcess } from "./revue-process.ts";

const SECRET = "relay-test-secret";

/**
 * A stand-in for a smee.io channel: a server-sent event stream that forwards what is published to
 * it, in smee's message shape (the delivery's headers as keys, its JSON as `body`).
 */
async function smeeChannel() {
  const listeners: ServerResponse[] = [];
  const server = createServer((req, res) => {
    res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    res.write(": ready\n\n");
    listeners.push(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/channel`,
    listeners,
    publish(message: Record<string, unknown>) {
      for (const res of listeners) res.write(`data: ${JSON.stringify(message)}\n\n`);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of listeners) res.end();
        server.close(() => resolve());
      }),
  };
}

describe("WEBHOOK_PROXY_URL under npm start", () => {
  let running: RevueProcess | undefined;
  let channel: Awaited<ReturnType<typeof smeeChannel>> | undefined;
  afterEach(async () => {
    await running?.stop();
    await channel?.close();
  });

  it("relays the channel's deliveries to the local server, signature and all", async () => {
    channel = await smeeChannel();
    const dir = mkdtempSync(path.join(tmpdir(), "revue-relay-"));
    const port = await freePort();
    running = runRevue("start.ts", {
      cwd: dir,
      env: {
        HOST: "127.0.0.1",
        PORT: String(port),
        LOG_LEVEL: "info",
        APP_ID: "1",
        PRIVATE_KEY: testPrivateKey(),
        WEBHOOK_SECRET: SECRET,
        WEBHOOK_PROXY_URL: channel.url,
        // The web process alone: this test is about the relay, not the review.
        REVUE_WORKERS: "false",
        REVUE_DATA_DIR: path.join(dir, "data"),
      },
    });
    await running.waitFor((l) => l.msg === `Connected to ${channel!.url}`, 60_000);

    const payload = pullRequestOpened();
    const body = JSON.stringify(payload);
    channel.publish({
      "x-github-event": "pull_request",
      "x-github-delivery": "relayed-1",
      "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`,
      "content-type": "application/json",
      body: payload,
      query: {},
      timestamp: Date.now(),
    });

    await running.waitFor(
      (l) => l.msg === `POST http://127.0.0.1:${port}/api/github/webhooks - 200`,
      30_000,
    );
    expect(running.output()).not.toContain("npm install --save-dev smee-client");
  }, 90_000);
});
