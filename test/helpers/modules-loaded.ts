import { spawnSync } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

/**
 * The URL of every module a new Node process loads while it runs `script` (an ES module body, run
 * from the repository root, so `./src/...` imports work): what a started server holds in memory,
 * without starting one. Throws with the child's output when the script fails.
 */
export function modulesLoaded(script: string): string[] {
  const program = `
    import { registerHooks } from "node:module";
    const loaded = [];
    registerHooks({ load: (url, context, next) => (loaded.push(url), next(url, context)) });
    ${script}
    console.log(JSON.stringify(loaded));
  `;
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", program], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "" },
    encoding: "utf8",
    timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(`the child failed:\n${result.stderr}`);
  return JSON.parse(result.stdout) as string[];
}
