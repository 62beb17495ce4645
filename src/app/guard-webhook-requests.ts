import type { IncomingMessage, Server as HttpServer, ServerResponse } from "node:http";
import type { Logger } from "pino";

/** GitHub caps webhook payloads at 25 MB and does not deliver larger ones. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

export type WebhookGuardOptions = {
  /** Checks `x-hub-signature-256` against the App's webhook secret (Probot's `webhooks.verify`). */
  verify(payload: string, signature: string): Promise<boolean>;
  log: Logger;
  /** Larger bodies answer 413 (default MAX_WEBHOOK_BYTES). */
  maxBodyBytes?: number;
};

/** How long the rest of a refused body is discarded before the connection is cut. */
const LINGER_MS = 2000;

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Puts a gate in front of every `request` listener of `httpServer` (Probot's Server, whose own
 * webhook middleware reads a body whole, of any size, before checking its signature). A POST body
 * is read here, up to `maxBodyBytes`: a larger one (by its Content-Length, or while it streams)
 * answers 413 and is neither kept nor parsed (discarded for 2 s at most, then the connection is cut). A delivery (one with `x-github-event`) whose signature does
 * not match answers 401 and is logged as one line, without its body. Anything else reaches the
 * listeners with the body read: `req.body` holds it as text, which @octokit/webhooks' middleware
 * takes instead of reading the stream again. Call it after `server.start()`, before any request.
 */
export function guardWebhookRequests(httpServer: HttpServer, options: WebhookGuardOptions): void {
  const maxBodyBytes = options.maxBodyBytes ?? MAX_WEBHOOK_BYTES;
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
        if (event !== undefined && typeof signature === "string") {
          if (!(await options.verify(payload, signature).catch(() => false))) {
            options.log.warn(
              { delivery: req.headers["x-github-delivery"], event, url: req.url },
              "webhook signature does not match WEBHOOK_SECRET: answered 401",
            );
            res.writeHead(401, { "content-type": "application/json" });
            res.end(JSON.stringify({ error: "signature does not match" }));
            return;
          }
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
