import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_WEBHOOK_BYTES } from "../../src/app/guard-webhook-requests.ts";
import { pullRequestOpened } from "../helpers/fixtures.ts";
import { sendWebhook } from "../helpers/sign-webhook.ts";
import { spawnRevue, type SpawnedRevue } from "../helpers/spawn-revue.ts";
import { testPrivateKey } from "../helpers/test-keys.ts";
import { waitFor } from "../helpers/wait-for.ts";

const SECRET = "limits-webhook-secret";

/**
 * POSTs `totalBytes` in 1 MB chunks (with a Content-Length, or chunked) over a raw socket and
 * resolves with the answer's status as soon as it comes, however much of the body was sent by then
 * (a server that stops reading closes the connection: failing writes are expected).
 */
function postLarge(url: string, totalBytes: number, declareLength: boolean): Promise<number> {
  const { hostname, port, pathname } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = "";
    const status = () => /^HTTP\/1\.1 (\d{3})/.exec(received)?.[1];
    socket.on("data", (data) => {
      received += data.toString("latin1");
      if (status()) {
        resolve(Number(status()));
        socket.destroy();
      }
    });
    socket.on("error", () => {});
    socket.on("close", () =>
      status() ? undefined : reject(new Error("closed without an answer")),
    );
    socket.write(
      [
        `POST ${pathname} HTTP/1.1`,
        `host: ${hostname}:${port}`,
        "content-type: application/json",
        "x-github-event: push",
        "x-github-delivery: too-large",
        `x-hub-signature-256: sha256=${"0".repeat(64)}`,
        declareLength ? `content-length: ${totalBytes}` : "transfer-encoding: chunked",
        "",
        "",
      ].join("\r\n"),
    );
    const chunk = Buffer.alloc(1024 * 1024, "x");
    let sent = 0;
    const write = () => {
      while (sent < totalBytes && !status() && !socket.destroyed) {
        const size = Math.min(chunk.length, totalBytes - sent);
        sent += size;
        const piece = chunk.subarray(0, size);
        const framed = declareLength
          ? piece
          : Buffer.concat([Buffer.from(`${size.toString(16)}\r\n`), piece, Buffer.from("\r\n")]);
        if (!socket.write(framed)) return void socket.once("drain", write);
      }
      if (!declareLength && !status() && !socket.destroyed) socket.write("0\r\n\r\n");
    };
    write();
  });
}

describe("the server's webhook gate (npm start, embedded database)", () => {
  let revue: SpawnedRevue;
  beforeAll(async () => {
    revue = await spawnRevue({
      APP_ID: "1",
      PRIVATE_KEY: testPrivateKey(),
      WEBHOOK_SECRET: SECRET,
      REVUE_WORKERS: "false",
    });
    await revue.ready(90_000);
  }, 120_000);
  afterAll(async () => {
    await revue?.stop();
  });

  it("answers 413 to a body over 25 MB, declared or streamed, without reading it all", async () => {
    const over = MAX_WEBHOOK_BYTES + 1;
    expect(await postLarge(`${revue.url}/api/github/webhooks`, over, true)).toBe(413);
    expect(await postLarge(`${revue.url}/`, over, false)).toBe(413);
    expect((await fetch(`${revue.url}/health`)).status).toBe(200);
  }, 60_000);

  it("answers 401 to a bad signature, logged as one line without the body", async () => {
    const payload = { ...pullRequestOpened(), marker: "BODY-MARKER-7f3a" };
    const forged = await sendWebhook(`${revue.url}/api/github/webhooks`, "pull_request", payload, {
      secret: "wrong",
      deliveryId: "forged-delivery-1",
    });
    expect(forged.status).toBe(401);
    // The child's log reaches its pipe after the answer: wait for the line, then for any second one.
    const forgedLines = () =>
      revue
        .output()
        .split("\n")
        .filter((line) => line.includes("forged-delivery-1"));
    await waitFor(
      () => forgedLines().length > 0,
      () => "no log line for the forged delivery",
      10_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(forgedLines()).toHaveLength(1);
    expect(revue.output()).not.toContain("BODY-MARKER-7f3a");

    // A delivery signed with the right secret still reaches Probot, body and all.
    const signed = await sendWebhook(
      `${revue.url}/`,
      "ping",
      { zen: "Keep it simple." },
      {
        secret: SECRET,
      },
    );
    expect(signed.status).toBe(200);
  }, 30_000);
});
