// `npm run worker`: workers only, no HTTP server; scale these apart from the web process.
import { runMain } from "./run-main.ts";

await runMain("worker");
