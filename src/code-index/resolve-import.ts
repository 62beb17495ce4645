import { posix } from "node:path";

/**
 * `compilerOptions.baseUrl` and `paths` of the repository's root tsconfig.json / jsconfig.json,
 * and the module path of its root go.mod.
 */
export type ModuleSettings = {
  /** `module example.com/m` in the root go.mod: Go imports under it are folders of the repository. */
  goModule?: string | null;
  baseUrl: string | null;
  paths: Record<string, string[]>;
  /** The folder `paths` targets are relative to: `baseUrl`, or the config's folder without it. */
  pathsBase: string;
};

export const NO_MODULE_SETTINGS: ModuleSettings = { baseUrl: null, paths: {}, pathsBase: "." };

const SCRIPT_EXTENSIONS = [".ts", ".tsx", ".d.ts", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"];

/**
 * The repository file an import specifier written in `fromPath` names, the way TypeScript's
 * bundler resolution would find it among `files`: relative paths, then tsconfig `paths` patterns,
 * then `baseUrl`; each tried as written, with a script extension (`./a.js` may name `a.ts`), and
 * as a folder's `index`. Python: relative (`.`, `..mod`) and package-local dotted modules, as
 * `mod.py` or `mod/__init__.py`, from the importing file's folder or the root (or `src/`). Go: a
 * package under go.mod's module path, as its folder written `dir/` (a package is every .go file
 * directly in it). Java: `a.b.C` as a/b/C.java and `a.b.*` as the folder `a/b/`, under any source
 * root (`src/main/java/`, a module's folder). Null for packages outside the repository. Pure.
 */
export function resolveImport(
  fromPath: string,
  specifier: string,
  files: ReadonlySet<string>,
  settings: ModuleSettings,
): string | null {
  if (fromPath.endsWith(".py")) return resolvePython(fromPath, specifier, files);
  if (fromPath.endsWith(".go")) return resolveGo(specifier, files, settings.goModule ?? null);
  if (fromPath.endsWith(".java")) return resolveJava(fromPath, specifier, files);
  const directory = posix.dirname(fromPath);
  if (specifier.startsWith(".")) return resolveScript(posix.join(directory, specifier), files);
  for (const [pattern, targets] of Object.entries(settings.paths)) {
    const star = pattern.indexOf("*");
    const matched =
      star < 0
        ? specifier === pattern
          ? ""
          : null
        : specifier.startsWith(pattern.slice(0, star)) &&
            specifier.endsWith(pattern.slice(star + 1))
          ? specifier.slice(star, specifier.length - (pattern.length - star - 1))
          : null;
    if (matched === null) continue;
    for (const target of targets) {
      const found = resolveScript(
        posix.join(settings.pathsBase, target.replace("*", matched)),
        files,
      );
      if (found) return found;
    }
  }
  if (settings.baseUrl !== null)
    return resolveScript(posix.join(settings.baseUrl, specifier), files);
  return null;
}

function resolveScript(candidate: string, files: ReadonlySet<string>): string | null {
  const path = posix.normalize(candidate).replace(/^\.\//, "");
  if (path.startsWith("..")) return null;
  const stem = path.replace(/\.(m|c)?jsx?$/, "");
  const tries = [
    path,
    ...SCRIPT_EXTENSIONS.map((extension) => stem + extension),
    ...SCRIPT_EXTENSIONS.map((extension) => `${path}/index${extension}`),
  ];
  return tries.find((file) => files.has(file)) ?? null;
}

function resolvePython(fromPath: string, specifier: string, files: ReadonlySet<string>) {
  const dots = /^\.*/.exec(specifier)![0].length;
  const module = specifier.slice(dots).split(".").filter(Boolean).join("/");
  const roots =
    dots > 0
      ? [posix.join(posix.dirname(fromPath), ...Array<string>(dots - 1).fill(".."))]
      : [posix.dirname(fromPath), ".", "src"];
  for (const root of roots) {
    const base = posix.normalize(posix.join(root, module)).replace(/^\.\//, "");
    if (base.startsWith("..")) continue;
    for (const file of [`${base}.py`, `${base}/__init__.py`]) {
      const path = file.replace(/^\.\//, "").replace(/^\//, "");
      if (files.has(path)) return path;
    }
  }
  return null;
}

/** Per set of files, the folders holding files of an extension: built once, read per import. */
const foldersByFiles = new WeakMap<ReadonlySet<string>, Map<string, Set<string>>>();

function foldersWith(files: ReadonlySet<string>, extension: string): Set<string> {
  let byExtension = foldersByFiles.get(files);
  if (byExtension === undefined) {
    byExtension = new Map();
    foldersByFiles.set(files, byExtension);
  }
  let folders = byExtension.get(extension);
  if (folders === undefined) {
    folders = new Set();
    for (const file of files) if (file.endsWith(extension)) folders.add(posix.dirname(file));
    byExtension.set(extension, folders);
  }
  return folders;
}

function resolveGo(specifier: string, files: ReadonlySet<string>, module: string | null) {
  if (module === null) return null;
  const folder =
    specifier === module
      ? "."
      : specifier.startsWith(`${module}/`)
        ? specifier.slice(module.length + 1)
        : null;
  if (folder === null || !foldersWith(files, ".go").has(folder)) return null;
  return `${folder}/`;
}

function resolveJava(fromPath: string, specifier: string, files: ReadonlySet<string>) {
  const wildcard = specifier.endsWith(".*");
  const relative = specifier.replace(/\.\*$/, "").split(".").join("/");
  const folders = foldersWith(files, ".java");
  // Source roots: where the importing file's own package starts, then any folder that fits.
  const matches = (folder: string) => folder === relative || folder.endsWith(`/${relative}`);
  if (wildcard) {
    const found = [...folders].filter(matches).sort(byCloseness(fromPath));
    if (found.length > 0) return `${found[0]}/`;
    // `import static a.b.C.*`: the members of the class in a/b/C.java.
  }
  const file = `${relative}.java`;
  const classFolder = posix.dirname(file);
  const found = [...folders]
    .filter((folder) =>
      classFolder === "." ? false : folder === classFolder || folder.endsWith(`/${classFolder}`),
    )
    .map((folder) => `${folder.slice(0, folder.length - classFolder.length)}${file}`)
    .filter((path) => files.has(path))
    .sort(byCloseness(fromPath));
  return found[0] ?? null;
}

/** Shorter paths sharing more leading folders with `fromPath` first: the same module's source root. */
function byCloseness(fromPath: string) {
  const shared = (path: string) => {
    const a = fromPath.split("/");
    const b = path.split("/");
    let count = 0;
    while (count < a.length && count < b.length && a[count] === b[count]) count++;
    return count;
  };
  return (left: string, right: string) =>
    shared(right) - shared(left) || left.length - right.length || (left < right ? -1 : 1);
}

/** The module path of a go.mod text (`module example.com/m`), or null. Pure. */
export function readGoModule(text: string): string | null {
  const match = /^\s*module\s+"?([^\s"]+)"?/m.exec(text);
  return match ? match[1]! : null;
}

/**
 * Reads `baseUrl` and `paths` from a tsconfig.json text (comments and trailing commas allowed,
 * as TypeScript allows them). `baseUrl` is relative to the config's folder `directory`. A text
 * that does not parse gives no settings. Pure.
 */
export function readModuleSettings(text: string, directory = "."): ModuleSettings {
  try {
    const json = text
      .replace(
        /("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g,
        (_, string: string) => string ?? "",
      )
      .replace(/,(\s*[}\]])/g, "$1");
    const options =
      (JSON.parse(json) as { compilerOptions?: Record<string, unknown> }).compilerOptions ?? {};
    const baseUrl =
      typeof options.baseUrl === "string"
        ? posix.normalize(posix.join(directory, options.baseUrl))
        : null;
    const paths: Record<string, string[]> = {};
    if (options.paths && typeof options.paths === "object") {
      for (const [pattern, targets] of Object.entries(options.paths)) {
        if (Array.isArray(targets)) paths[pattern] = targets.filter((t) => typeof t === "string");
      }
    }
    return { baseUrl, paths, pathsBase: baseUrl ?? posix.normalize(directory) };
  } catch {
    return NO_MODULE_SETTINGS;
  }
}
