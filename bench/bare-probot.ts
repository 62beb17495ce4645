// A bare Probot app with an empty pull_request handler: the baseline for webhook intake.
import { Probot, Server } from "probot";
import { pino } from "pino";

const server = new Server({
  Probot: Probot.defaults({
    appId: 1,
    privateKey: process.env.PRIVATE_KEY!,
    secret: process.env.WEBHOOK_SECRET!,
    log: pino({ level: "warn" }),
  }),
  host: "127.0.0.1",
  port: Number(process.env.PORT),
  log: pino({ level: "warn" }),
});
await server.load((app) => {
  app.on("pull_request", async () => {});
});
await server.start();
process.on("SIGTERM", () => void server.stop().then(() => process.exit(0)));
