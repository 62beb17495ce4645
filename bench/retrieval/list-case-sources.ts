import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export type CaseLanguage = "typescript" | "javascript" | "python";

const EXTENSIONS: Record<CaseLanguage, RegExp> = {
  typescript: /\.(ts|tsx|mts|cts)$/,
  javascript: /\.(js|mjs|cjs)$/,
  python: /\.py$/,
};
const TEST_FILE = /\.(test|spec)\.[a-z]+$|\.d\.ts$|_test\.py$|(^|\/)test_[^/]*\.py$/;
const TEST_FOLDER = new Set(["test", "tests", "__tests__", "node_modules", "dist"]);

/**
 * The source files of a case's tree, relative to `root`, sorted: the files of `language` under
 * `sources` (folders or files), without tests, declaration files and the folders named in
 * `exclude`. Tests are left out of both sides so the measure is about the library's own code.
 */
export function listCaseSources(
  root: string,
  language: CaseLanguage,
  sources: string[],
  exclude: string[],
): string[] {
  const out: string[] = [];
  const skip = new Set([...TEST_FOLDER, ...exclude]);
  const walk = (relativePath: string) => {
    const path = join(root, relativePath);
    if (!existsSync(path)) return;
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path)) if (!skip.has(name)) walk(join(relativePath, name));
    } else if (EXTENSIONS[language].test(relativePath) && !TEST_FILE.test(relativePath)) {
      out.push(relativePath);
    }
  };
  for (const source of sources) walk(source);
  return [...new Set(out)].sort();
}
