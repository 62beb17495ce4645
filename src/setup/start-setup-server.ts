import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { IncomingMessage, ServerResponse } from "node:http";
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
    log,
    // Probot needs an App to start its server; in setup mode it never authenticates (probot#1512).
    Probot: Probot.defaults({ appId: 1, privateKey: "unused in setup mode", log }),
  });
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
  await server.start();
  return server;
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
