import type { IncomingMessage, ServerResponse } from "node:http";

/** The routes that need the database; until it is open they answer 503 with a retry hint. */
const NEEDS_DATABASE = ["/ready", "/metrics", "/dashboard"];

/**
 * What the web server answers while the database is still being opened and migrated (a new
 * embedded database takes seconds): `/health` 200 (the process is alive), `/ready` 503 saying it is
 * starting, the other routes of Revue 503 with `Retry-After`. Webhook deliveries are not answered
 * here: they wait for the database in their handlers (create-app.ts). Returns false for any other
 * request so the next handler runs.
 */
export function answerWhileStarting(req: IncomingMessage, res: ServerResponse): boolean {
  const path = req.url?.split("?")[0] ?? "";
  if (req.method === "GET" && path === "/health") {
    send(res, 200, { status: "ok", starting: true, uptimeSeconds: Math.round(process.uptime()) });
    return true;
  }
  if (NEEDS_DATABASE.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))) {
    res.setHeader("retry-after", "2");
    send(res, 503, {
      status: "starting",
      reason: "opening the database and applying migrations",
    });
    return true;
  }
  return false;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}
