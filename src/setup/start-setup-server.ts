import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { Probot, Server } from "probot";
import type { Config } from "../config/read-config.ts";
import { manifestConversionRoute } from "./manifest-conversion-route.ts";
import { writeEnvFile } from "./write-env-file.ts";

type SetupHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
type SetupAppFactory = (options: {
  host: string;
  port: number;
  log: Logger;
  updateEnv?: (env: Record<string, string>) => Record<string, string>;
}) => () => Promise<SetupHandler>;

/**
 * Serves the one-click setup (the GitHub App manifest flow) when the App has no credentials yet:
 * what Probot's `run()` serves in that case (`/` redirects to `/probot`, a page that posts the
 * manifest built from `app.yml` to GitHub, `GH_ORG` for an organisation's App), with Revue's own
 * `/probot/setup` in front of Probot's (see manifest-conversion-route.ts). Credentials are written
 * to `.env` in `cwd`, readable by the owner only. Resolves once listening.
 */
export async function startSetupServer(options: {
  config: Config;
  log: Logger;
  cwd?: string;
}): Promise<Server> {
  const cwd = options.cwd ?? process.cwd();
  const { config, log } = options;
  const server = new Server({
    host: config.http.host,
    port: config.http.port,
    // A request line per page view at info is noise while a person clicks through the setup.
    log: withQuietHttpLog(log),
    // Probot needs an App to start its server; in setup mode it never authenticates (probot#1512).
    Probot: Probot.defaults({ appId: 1, privateKey: "unused in setup mode", log }),
  });
  // The port the server listens on, once it does (Probot's server reads PORT=0 as 3000).
  let port = config.http.port;
  server.addHandler(setupHealthRoutes(() => port));
  server.addHandler(
    manifestConversionRoute({
      apiBaseUrl: config.github.apiBaseUrl,
      saveCredentials: (values) => writeEnvFile(path.join(cwd, ".env"), values),
      log,
    }),
  );
  const setupAppFactory = await loadProbotSetupFactory();
  await server.loadHandlerFactory(
    setupAppFactory({
      host: config.http.host,
      port: config.http.port,
      log: log.child({ name: "setup" }),
      // Probot's import page and smee channel write through this; it quotes the PEM itself.
      updateEnv: (values) => {
        const unquoted = Object.fromEntries(
          Object.entries(values).map(([key, value]) => [key, value.replace(/^"([^"]*)"$/, "$1")]),
        );
        writeEnvFile(path.join(cwd, ".env"), unquoted);
        return unquoted;
      },
    }),
  );
  const httpServer = await server.start();
  port = (httpServer.address() as AddressInfo).port;
  log.info(
    `open ${browserUrl(config.http.host, port)} in a browser to create the GitHub App (setup mode)`,
  );
  return server;
}

/**
 * The address a person opens: `localhost` for a server listening on every interface (the
 * `0.0.0.0` of Probot's own start line is not an address a browser goes to).
 */
export function browserUrl(host: string, port: number): string {
  const shown = ["0.0.0.0", "::", ""].includes(host) ? "localhost" : host;
  return `http://${shown.includes(":") ? `[${shown}]` : shown}:${port}`;
}

/**
 * `/health` answers 200 (the process is up) and `/ready` 503 saying the App does not exist yet,
 * so a container's health check and a load balancer see setup mode for what it is.
 */
function setupHealthRoutes(port: () => number): SetupHandler {
  return async (req, res) => {
    const path = req.url?.split("?")[0];
    if (req.method !== "GET" || (path !== "/health" && path !== "/ready")) return false;
    const body =
      path === "/health"
        ? { status: "ok", mode: "setup" }
        : {
            status: "setup",
            reason: `the GitHub App does not exist yet: open ${browserUrl("localhost", port())} to create it, then restart Revue`,
          };
    res.writeHead(path === "/health" ? 200 : 503, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
    return true;
  };
}

/** `log`, except that Probot's per-request `http` logger writes only warnings and errors. */
function withQuietHttpLog(log: Logger): Logger {
  const quiet = Object.create(log) as Logger;
  const child: Logger["child"] = (bindings, options) => {
    const made = log.child(bindings, options);
    if (bindings.name === "http") made.level = "warn";
    return made;
  };
  quiet.child = child;
  return quiet;
}

/**
 * Probot's setup handler factory. Probot 14 does not export it (its package `exports` has only the
 * entry point), so it is loaded from the file next to that entry point; probot is pinned, and
 * test/setup/setup-flow.test.ts fails loudly if the file moves.
 */
async function loadProbotSetupFactory(): Promise<SetupAppFactory> {
  const entry = createRequire(import.meta.url).resolve("probot");
  const file = path.join(path.dirname(entry), "apps", "setup.js");
  const loaded = (await import(pathToFileURL(file).href)) as { setupAppFactory?: SetupAppFactory };
  if (typeof loaded.setupAppFactory !== "function") {
    throw new Error(`probot's setup page was not found in ${file}: was probot upgraded?`);
  }
  return loaded.setupAppFactory;
}
