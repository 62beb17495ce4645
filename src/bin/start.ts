// `npm start`: the web server, with workers in the same process unless REVUE_WORKERS=false.
import { runMain } from "./run-main.ts";

await runMain("all");
