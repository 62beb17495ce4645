#!/usr/bin/env node
// The npm scripts' entry point (`npm start`, `npm run worker`, `npm run migrate`) and the `revue`
// command (`npx revue review`, `npx revue eval`, package.json's "bin"). Plain JavaScript
// that any Node.js runs, so that an old Node says what to do instead of failing to load the
// TypeScript sources (`ERR_UNKNOWN_FILE_EXTENSION ".ts"`).

/** The oldest Node.js that runs Revue's TypeScript sources as they are (type stripping). */
export const MINIMUM_NODE = [22, 20, 0];

import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";

const COMMANDS = {
  start: "./start.ts",
  worker: "./worker.ts",
  migrate: "./migrate.ts",
  review: "./review.ts",
  eval: "./eval.ts",
};

/** Null when `version` (as in process.versions.node) runs Revue, else what to tell the person. */
export function nodeVersionProblem(version) {
  const have = version.split(".").map(Number);
  for (let i = 0; i < MINIMUM_NODE.length; i++) {
    if ((have[i] ?? 0) > MINIMUM_NODE[i]) return null;
    if ((have[i] ?? 0) < MINIMUM_NODE[i]) {
      return (
        `Revue needs Node.js ${MINIMUM_NODE.join(".")} or newer; this is ${version}.\n` +
        "Install Node.js 24 (the version in .nvmrc): `nvm install 24 && nvm use 24`, your system's " +
        "package manager, or https://nodejs.org. Then run the same command again."
      );
    }
  }
  return null;
}

/** glibc's own ceiling for that threshold (DEFAULT_MMAP_THRESHOLD_MAX on 64-bit systems). */
const MMAP_THRESHOLD = String(32 * 1024 * 1024);

/**
 * The environment a long-running Revue (`start`, `worker`) is started again with on Linux, or null
 * to go on as it is. glibc's malloc raises the size from which it maps blocks apart to the largest
 * block freed so far, up to 32 MiB, and with it the free memory it keeps at the top of each arena
 * before giving it back, to twice that. After V8 compiles PGlite's SQL parser in the background (a
 * 600 MB compilation, seconds after start) an idle server so kept 60-90 MiB of freed memory (8 MiB
 * on PostgreSQL). The same 32 MiB set from the start keeps that trim threshold at its 128 KiB
 * default, so the memory goes back, at no measured cost in speed. glibc reads the variable only
 * when a process starts, hence the restart. An environment that tunes malloc itself is left as
 * it is; other C libraries ignore the variable.
 */
export function mallocTuningEnvironment(env) {
  if (env.MALLOC_MMAP_THRESHOLD_ || env.MALLOC_TRIM_THRESHOLD_ || env.GLIBC_TUNABLES) return null;
  return { ...env, MALLOC_MMAP_THRESHOLD_: MMAP_THRESHOLD };
}

/**
 * Whether this file is the program Node was started with, and not imported (by a test). Compared
 * by real path: `npx revue` and npm's bin links start it through a symlink, whose path differs
 * from this module's URL, and a plain comparison made the command exit silently doing nothing.
 */
function isMainModule() {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMainModule()) {
  const command = process.argv[2];
  const problem = nodeVersionProblem(process.versions.node);
  if (problem) {
    console.error(`revue: ${problem}`);
    process.exit(1);
  }
  if (command === undefined || ["--help", "-h", "help"].includes(command)) {
    // `npx revue --help`: the commands' own usage texts, so this never drifts from what they accept.
    const { REVIEW_USAGE } = await import("../cli/review-command.ts");
    const { EVAL_USAGE } = await import("../cli/eval-command.ts");
    const text =
      "revue: Revue's command line (the App runs with `npm start`; see README.md).\n\n" +
      `${REVIEW_USAGE}\n${EVAL_USAGE}\n` +
      "Run `npx revue review --help` or `npx revue eval --help` for one command.\n";
    if (command === undefined) {
      process.stderr.write(text);
      process.exit(2);
    }
    process.stdout.write(text);
    process.exit(0);
  }
  if (!(command in COMMANDS)) {
    console.error(
      `usage: node src/bin/revue.mjs ${Object.keys(COMMANDS).join("|")} [arguments]\n` +
        "       npx revue --help   (the review and eval commands and their flags)",
    );
    process.exit(2);
  }
  const tuned =
    (command === "start" || command === "worker") &&
    process.platform === "linux" &&
    typeof process.execve === "function" // Node 22.15 and 23.11 on
      ? mallocTuningEnvironment(process.env)
      : null;
  if (tuned) {
    // The same program, arguments and process id, with the environment above.
    process.execve(
      process.execPath,
      [process.execPath, ...process.execArgv, ...process.argv.slice(1)],
      tuned,
    );
  }
  // After the restart above, which would lose it, and before the command is loaded (its imports
  // are what the cache saves). Only a failure is said, and only to those who asked for debug.
  const { enableCompileCache } = await import("./enable-compile-cache.ts");
  const compileCache = enableCompileCache(process.env, process.cwd());
  if (
    compileCache.startsWith("compile cache off:") &&
    /^(debug|trace)$/.test(process.env.LOG_LEVEL ?? "")
  ) {
    console.error(`revue: ${compileCache}`);
  }
  // The command's own arguments follow it (`npm run migrate -- down`).
  process.argv.splice(2, 1);
  await import(COMMANDS[command]);
}
