import { existsSync } from "node:fs";
import { runEvalCommand } from "../cli/eval-command.ts";

// `npx revue eval`: the keys may sit in .env, as for the App.
if (existsSync(".env")) process.loadEnvFile(".env");
process.exitCode = await runEvalCommand(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
