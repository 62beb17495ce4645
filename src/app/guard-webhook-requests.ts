import type { IncomingMessage, Server as HttpServer, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { GENERIC_FAILURE, WEBHOOK_DEADLINE_MS } from "./answer-generic-failure.ts";
import { withTimeout } from "./with-timeout.ts";

/** GitHub caps webhook payloads at 25 MB and does not deliver larger ones. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

export type WebhookGuardOptions = {
  /** Checks `x-hub-signature-256` against the App's webhook secret (Probot's `webhooks.verify`). */
  verify(payload: string, signature: string): Promise<boolean>;
  log: Logger;
  /** Larger bodies answer 413 (default MAX_WEBHOOK_BYTES). */
  maxBodyBytes?: number;
  /**
   * The app's handlers (Probot's `webhooks.receive`): a delivery whose signature matched, sent to
   * one of `webhookPaths` as JSON with its three headers, is handed to them here and answered here
   * as @octokit/webhooks' middleware answers, which would otherwise check the same signature again
   * (an HMAC of the whole body: a tenth of the server's CPU per delivery). Anything else goes on to
   * the listeners, whose middleware answers it.
   */
  receive?: (event: { id: string; name: string; payload: unknown }) => Promise<void>;
  webhookPaths?: readonly string[];
  /**
   * A `receive` still running after this answers 500 (default: the handlers' own deadline, 8 s,
   * and a second; they fail first).
   */
  receiveDeadlineMs?: number;
};

/** How long the rest of a refused body is discarded before the connection is cut. */
const LINGER_MS = 2000;

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Puts a gate in front of every `request` listener of `httpServer` (Probot's Server, whose own
 * webhook middleware reads a body whole, of any size, before checking its signature). A POST body
 * is read here, up to `maxBodyBytes`: a larger one (by its Content-Length, or while it streams)
 * answers 413 and is neither kept nor parsed (discarded for 2 s at most, then the connection is cut). A delivery (one with `x-github-event`) whose signature does
 * not match answers 401 and is logged as one line, without its body; one that matches goes to
 * `receive` when given (see there). Anything else reaches the listeners with the body read:
 * `req.body` holds it as text, which @octokit/webhooks' middleware takes instead of reading the
 * stream again. Call it after `server.start()`, before any request.
 */
export function guardWebhookRequests(httpServer: HttpServer, options: WebhookGuardOptions): void {
  const maxBodyBytes = options.maxBodyBytes ?? MAX_WEBHOOK_BYTES;
  const webhookPaths = new Set(options.webhookPaths ?? []);
  const receiveDeadlineMs = options.receiveDeadlineMs ?? WEBHOOK_DEADLINE_MS + HANG_MARGIN_MS;
  const listeners = httpServer.listeners("request") as RequestListener[];
  httpServer.removeAllListeners("request");
  const pass = (req: IncomingMessage, res: ServerResponse) => {
    for (const listener of listeners) listener.call(httpServer, req, res);
  };
  httpServer.on("request", (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== "POST") return pass(req, res);
    void readLimited(req, maxBodyBytes).then(
      async (body) => {
        if (body === undefined) {
          options.log.warn({ maxBodyBytes, url: req.url }, "request body too large: answered 413");
          // Nothing more is kept or parsed. What the client still sends is discarded (Node drains an
          // unread body after the answer; closing on unread data would reset the connection and the
          // client would lose the answer) for a moment, then the connection is cut.
          res.writeHead(413, { "content-type": "application/json" });
          res.end(JSON.stringify({ error: `body larger than ${maxBodyBytes} bytes` }));
          req.resume();
          setTimeout(() => req.socket.destroy(), LINGER_MS).unref();
          return;
        }
        const payload = new TextDecoder().decode(body);
        const event = req.headers["x-github-event"];
        const signature = req.headers["x-hub-signature-256"];
        // Only a delivery whose signature was checked here goes to `receive`.
        let verified = false;
        if (event !== undefined && typeof signature === "string") {
          verified = await options.verify(payload, signature).catch(() => false);
          if (!verified) {
            options.log.warn(
              { delivery: req.headers["x-github-delivery"], event, url: req.url },
              "webhook signature does not match WEBHOOK_SECRET: answered 401",
            );
            res.writeHead(401, { "content-type": "application/json" });
            res.end(JSON.stringify({ error: "signature does not match" }));
            return;
          }
        }
        const delivery = req.headers["x-github-delivery"];
        if (
          verified &&
          options.receive &&
          typeof event === "string" &&
          typeof delivery === "string" &&
          JSON_CONTENT_TYPE.test(req.headers["content-type"] ?? "") &&
          webhookPaths.has(pathOf(req.url))
        ) {
          await receiveVerified(res, options.receive, options.log, receiveDeadlineMs, {
            id: delivery,
            name: event,
            text: payload,
          });
          return;
        }
        (req as IncomingMessage & { body?: string }).body = payload;
        pass(req, res);
      },
      (error: unknown) => {
        options.log.warn({ err: error, url: req.url }, "request body could not be read");
        res.destroy();
      },
    );
  });
}

/** What @octokit/webhooks' middleware takes for JSON. */
const JSON_CONTENT_TYPE = /^\s*(application\/json)\s*(?:;|$)/u;

/** The request's path without its query and trailing slashes ("/" stays "/"). */
function pathOf(url: string | undefined): string {
  const path = (url ?? "/").split("?")[0]!.replace(/\/+$/, "");
  return path === "" ? "/" : path;
}

/**
 * Hands a verified delivery to the app's handlers and answers as @octokit/webhooks' middleware
 * does: 200 `ok` once they are done (for Revue's, once the delivery is stored), 400 for a body
 * that is not JSON, else the failure's status (500 by default) with its name and message, which
 * Revue's handlers make generic (answer-generic-failure.ts). The handlers fail by their own
 * deadline; were one to hang, the answer is still a 500 a second later, never a 2xx for work that
 * may not be stored.
 */
async function receiveVerified(
  res: ServerResponse,
  receive: NonNullable<WebhookGuardOptions["receive"]>,
  log: Logger,
  deadlineMs: number,
  delivery: { id: string; name: string; text: string },
): Promise<void> {
  const answer = (status: number, body: string, contentType: string) => {
    if (res.headersSent) return;
    res
      .writeHead(status, {
        "content-type": contentType,
        accept: "application/json",
        "content-length": Buffer.byteLength(body),
      })
      .end(body);
  };
  // As the middleware logs it; at info, the handlers log what they did with it.
  log.debug(`${delivery.name} event received (id: ${delivery.id})`);
  let payload: unknown;
  try {
    payload = JSON.parse(delivery.text);
  } catch {
    answer(400, JSON.stringify({ error: "SyntaxError: Invalid JSON" }), "application/json");
    return;
  }
  try {
    await withTimeout(
      receive({ id: delivery.id, name: delivery.name, payload }),
      deadlineMs,
      () => new Error(GENERIC_FAILURE),
    );
    answer(200, "ok\n", "text/plain");
  } catch (error) {
    // Probot's receive rejects with an AggregateError of its handlers' errors.
    const first = ((error as { errors?: unknown[] }).errors?.[0] ?? error) as {
      name?: string;
      message?: string;
      status?: number;
    };
    const status = typeof first.status === "number" ? first.status : 500;
    log.error(
      { err: error, delivery: delivery.id, event: delivery.name },
      `webhook delivery failed: answered ${status}`,
    );
    const message = first.message
      ? `${first.name ?? "Error"}: ${first.message}`
      : "Error: An Unspecified error occurred";
    answer(status, JSON.stringify({ error: message }), "application/json");
  }
}

/** The handlers' own deadline comes first; this is for one that has none. */
const HANG_MARGIN_MS = 1000;

/** The body, or undefined as soon as it is known to be larger than `maxBytes` (reading stops). */
function readLimited(req: IncomingMessage, maxBytes: number): Promise<Uint8Array | undefined> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.pause();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        req.off("data", onData);
        req.pause();
        chunks.length = 0;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
