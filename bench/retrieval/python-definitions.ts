import { execFileSync } from "node:child_process";
import type { DefinitionUse, TreeDefinitions } from "./tree-definitions.ts";

const SCRIPT = new URL("./python-definitions.py", import.meta.url).pathname;

/**
 * The ground truth for Python, from python-definitions.py (Python's `ast` and import resolution;
 * see that file for what it resolves and what it does not). Needs `python3` on the PATH.
 */
export function readPythonDefinitions(
  root: string,
  files: string[],
  roots: string[],
  usesIn: string[] = [],
): TreeDefinitions {
  const output = execFileSync("python3", [SCRIPT], {
    input: JSON.stringify({ root, files, roots, usesIn }),
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  const parsed = JSON.parse(output) as {
    declared: Record<string, number[]>;
    uses: Record<string, Record<string, DefinitionUse[]>>;
  };
  return {
    declared: new Map(Object.entries(parsed.declared)),
    uses: new Map(
      Object.entries(parsed.uses).map(([path, byLine]) => [
        path,
        new Map(Object.entries(byLine).map(([line, list]) => [Number(line), list])),
      ]),
    ),
  };
}
