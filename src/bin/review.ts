import { existsSync } from "node:fs";
import { runReviewCommand } from "../cli/review-command.ts";

// `npx revue review`: the key may sit in .env, as for the App.
if (existsSync(".env")) process.loadEnvFile(".env");
process.exitCode = await runReviewCommand(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
