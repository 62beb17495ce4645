// `npm run migrate [-- down|down-all]`: applies (or undoes) database migrations and exits.
import { existsSync } from "node:fs";
import { ConfigError, readConfig } from "../config/read-config.ts";
import { DatabaseUnavailableError } from "../db/open-database.ts";
import { runMigrations, type MigrationDirection } from "../runtime/run-migrations.ts";

if (existsSync(".env")) process.loadEnvFile(".env");
const direction = process.argv[2] ?? "up";
if (!["up", "down", "down-all"].includes(direction)) {
  console.error(`usage: npm run migrate [-- up|down|down-all] (got "${direction}")`);
  process.exit(2);
}
try {
  const result = await runMigrations(readConfig(), direction as MigrationDirection);
  for (const step of result.results ?? []) {
    console.log(`${step.direction} ${step.migrationName}: ${step.status}`);
  }
  if (result.error) {
    console.error(`revue: migration failed: ${(result.error as Error).message}`);
    process.exit(1);
  }
  if ((result.results ?? []).length === 0) console.log("database is up to date");
} catch (error) {
  if (error instanceof ConfigError || error instanceof DatabaseUnavailableError) {
    console.error(`revue: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
