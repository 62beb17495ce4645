import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
// @ts-expect-error: a plain JavaScript module (it must load on any Node), without types.
import { mallocTuningEnvironment } from "../../src/bin/revue.mjs";
import { REPO_ROOT } from "./revue-process.ts";

/**
 * Docker does not run here, so the Docker and SAM files are checked for what they rely on: the
 * commands they run are the ones the setup-flow test runs (`node src/bin/start.ts`, `worker.ts`,
 * `migrate.ts`), and the files they name exist.
 */
const read = (file: string) => readFileSync(path.join(REPO_ROOT, file), "utf8");
const TESTED_COMMANDS = [
  ["node", "src/bin/start.ts"],
  ["node", "src/bin/worker.ts"],
  ["node", "src/bin/migrate.ts"],
];

describe("deployment files", () => {
  it("the Dockerfile runs a tested command as a non-root user, with a health check, on Node 24", () => {
    const dockerfile = read("Dockerfile");
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)![1]!;
    expect(TESTED_COMMANDS).toContainEqual(JSON.parse(cmd));
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    // Its commands start Node directly, without the launcher that sets malloc's tuning.
    const { MALLOC_MMAP_THRESHOLD_: threshold } = mallocTuningEnvironment({}) as Record<
      string,
      string
    >;
    expect(dockerfile).toMatch(new RegExp(`^\\s+MALLOC_MMAP_THRESHOLD_=${threshold}$`, "m"));
    expect(dockerfile).toContain("npm ci --omit=dev");
    for (const from of dockerfile.match(/^FROM \S+/gm)!) expect(from).toMatch(/^FROM node:24-/);
    for (const copied of ["package.json", "package-lock.json", "app.yml", "migrations", "src"]) {
      expect(existsSync(path.join(REPO_ROOT, copied))).toBe(true);
    }
  });

  it("docker-compose runs PostgreSQL with pgvector, migrations, web and a worker with tested commands", () => {
    const compose = parse(read("docker-compose.yml"), { merge: true });
    expect(compose.services.db.image).toMatch(/^pgvector\/pgvector:/);
    expect(compose.services.db.healthcheck).toBeDefined();
    expect(compose.volumes).toHaveProperty("pgdata");
    for (const name of ["migrate", "web", "worker"]) {
      expect(TESTED_COMMANDS).toContainEqual(compose.services[name].command);
      expect(compose.services[name].environment.DATABASE_URL).toMatch(/^postgres:\/\/.+@db:5432\//);
    }
    expect(compose.services.web.environment.REVUE_WORKERS).toBe("false");
    expect(compose.services.worker.healthcheck.test.join(" ")).toContain(
      `:${compose.services.worker.environment.METRICS_PORT}/metrics`,
    );
  });

  it("the SAM template points both functions at the tested Lambda entry point", async () => {
    const template = parse(read("template.yaml"));
    const entry = (await import("../../src/lambda/index.mjs")) as Record<string, unknown>;
    for (const fn of ["WebhookFunction", "WorkerFunction"]) {
      const handler: string = template.Resources[fn].Properties.Handler;
      const [file, exported] = handler.split(/\.(?=[^.]+$)/) as [string, string];
      expect(existsSync(path.join(REPO_ROOT, `${file}.mjs`))).toBe(true);
      expect(typeof entry[exported]).toBe("function");
    }
    expect(template.Globals.Function.Runtime).toBe("nodejs24.x");
    expect(template.Globals.Function.Environment.Variables).toHaveProperty("DATABASE_URL");
  });
});
