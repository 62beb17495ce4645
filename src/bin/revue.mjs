#!/usr/bin/env node
// The npm scripts' entry point (`npm start`, `npm run worker`, `npm run migrate`) and the `revue`
// command (`npx revue review`, `npx revue eval`, package.json's "bin"). Plain JavaScript
// that any Node.js runs, so that an old Node says what to do instead of failing to load the
// TypeScript sources (`ERR_UNKNOWN_FILE_EXTENSION ".ts"`).

/** The oldest Node.js that runs Revue's TypeScript sources as they are (type stripping). */
export const MINIMUM_NODE = [22, 20, 0];

import { pathToFileURL } from "node:url";

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

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const command = process.argv[2];
  const problem = nodeVersionProblem(process.versions.node);
  if (problem) {
    console.error(`revue: ${problem}`);
    process.exit(1);
  }
  if (!(command in COMMANDS)) {
    console.error(`usage: node src/bin/revue.mjs ${Object.keys(COMMANDS).join("|")} [arguments]`);
    process.exit(2);
  }
  // The command's own arguments follow it (`npm run migrate -- down`).
  process.argv.splice(2, 1);
  await import(COMMANDS[command]);
}
