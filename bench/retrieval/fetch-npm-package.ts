import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** Where fetched packages are kept between runs (outside the repository): REVUE_BENCH_CACHE or ~/.cache/revue-bench. */
export function benchCacheDirectory(env = process.env): string {
  return env.REVUE_BENCH_CACHE ?? join(homedir(), ".cache", "revue-bench");
}

/**
 * The published tarball of `name@version`, unpacked once into the cache with `npm pack` (the
 * registry npm is configured with). Returns the package's root folder (the tarball's `package/`).
 * Throws when npm cannot fetch it, with npm's message.
 */
export function fetchNpmPackage(
  name: string,
  version: string,
  cache = benchCacheDirectory(),
): string {
  const target = join(cache, "npm", `${name.replace("/", "+")}@${version}`);
  if (existsSync(target)) return packageRoot(target);
  mkdirSync(join(cache, "npm"), { recursive: true });
  const work = mkdtempSync(join(cache, "npm", ".fetch-"));
  try {
    const file = execFileSync(
      "npm",
      ["pack", `${name}@${version}`, "--silent", "--pack-destination", work],
      {
        encoding: "utf8",
      },
    )
      .trim()
      .split("\n")
      .pop()!;
    const unpacked = join(work, "unpacked");
    mkdirSync(unpacked);
    execFileSync("tar", ["xzf", join(work, file), "-C", unpacked]);
    rmSync(target, { recursive: true, force: true });
    renameSync(unpacked, target);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return packageRoot(target);
}

/** npm tarballs hold one top folder, `package/` for almost all of them. */
function packageRoot(target: string): string {
  const [top, ...more] = readdirSync(target);
  if (!top || more.length > 0) {
    throw new Error(
      `${target} should hold one folder (the tarball's top folder); delete it and run again`,
    );
  }
  return join(target, top);
}
