import type { CodeIndexDatabase } from "../code-index/code-index-tables.ts";
import type { RepositoryScope } from "../code-index/code-index-store.ts";
import { findNamedDefinitions, type FoundChunk } from "../code-index/search-code-index.ts";
import { findImports, type FoundImport } from "../code-index/search-imports.ts";
import type { NameUse } from "./read-diff-names.ts";

/** A definition found for a use in the diff, and how. */
export type UsedDefinition = {
  /** `name`: the name it defines (an alias's original name: `b` in `import { b as c }`). */
  chunk: DefiningChunk;
  use: NameUse;
  /** `import`: followed through the changed file's imports; `name`: matched by name alone. */
  via: "import" | "name";
};

type DefiningChunk = FoundChunk & { name: string };

/** Barrels re-exporting barrels: how many `export ... from` hops are followed. */
const MAX_HOPS = 4;

/**
 * The definitions the diff's uses name, the way the compiler would find them as far as the index
 * knows: a name imported by the changed file (`import { X }`, `import X`, `import * as ns` then
 * `ns.X`) is followed to the file its import resolves to, and through that file's re-exports
 * (`export { X } from`, `export * from`, barrels) up to MAX_HOPS files. Uses nothing resolves are
 * matched by name (a qualified use no import explains, such as `this.x`, by its member name),
 * preferring the definition closest to the using file: the file itself, then its folder. Import-resolved definitions come
 * first, in the order of the uses. Reads only the index, scoped to `scope`.
 */
export async function resolveDefinitions(
  db: CodeIndexDatabase,
  scope: RepositoryScope,
  uses: NameUse[],
  options: {
    perName: number;
    /** Imports the diff adds, already resolved, per path: looked at before the recorded ones. */
    addedImports?: ReadonlyMap<string, FoundImport[]>;
  },
): Promise<UsedDefinition[]> {
  const importsOf = cachedImports(db, scope, options.addedImports ?? new Map());
  const definedIn = cachedDefinitions(db, scope);
  const resolved: UsedDefinition[] = [];
  const unresolved: NameUse[] = [];
  for (const use of uses) {
    const imports = await importsOf(use.path);
    const start = importedFrom(imports, use);
    if (start === null) {
      // `this.x`, `self.f`, `inst.def`: a qualifier no import explains is matched by its name.
      unresolved.push(use);
      continue;
    }
    const chunks = await follow(start.path, start.name, importsOf, definedIn);
    if (chunks.length > 0) {
      for (const chunk of chunks.slice(0, options.perName))
        resolved.push({ chunk, use, via: "import" });
    } else {
      unresolved.push(use);
    }
  }
  const byName = await findNamedDefinitions(
    db,
    scope,
    [...new Set(unresolved.map((use) => use.name))],
    // Enough candidates per name to find the closest one, not every `get` in a monorepo.
    { perName: 20 },
  );
  const matched: UsedDefinition[] = [];
  for (const use of unresolved) {
    const candidates = byName.filter((chunk) => chunk.name === use.name);
    // The using file's own definition comes first (closest), unless the diff already shows its
    // lines: a hunk shows three lines around a change, rarely the definitions it calls.
    candidates
      .sort((a, b) => closeness(b.path, use.path) - closeness(a.path, use.path) || a.id - b.id)
      .slice(0, options.perName)
      .forEach((chunk) => matched.push({ chunk, use, via: "name" }));
  }
  return [...resolved, ...matched];
}

/** Where the use's name comes from per the using file's imports: file and exported name. */
function importedFrom(imports: FoundImport[], use: NameUse): { path: string; name: string } | null {
  const local = use.qualifier ?? use.name;
  const found = imports.find(
    (imported) =>
      imported.localName === local &&
      imported.targetPath !== null &&
      (use.qualifier === null
        ? imported.kind === "named" || imported.kind === "default"
        : imported.kind === "namespace"),
  );
  if (found === undefined || found.targetPath === null) return null;
  return { path: found.targetPath, name: use.qualifier === null ? found.importedName! : use.name };
}

/** Definitions of `name` in `path`, else through the file's re-exports, breadth first. */
async function follow(
  path: string,
  name: string,
  importsOf: (path: string) => Promise<FoundImport[]>,
  definedIn: (path: string, name: string) => Promise<DefiningChunk[]>,
): Promise<DefiningChunk[]> {
  let frontier = [{ path, name }];
  const visited = new Set<string>();
  for (let hop = 0; hop <= MAX_HOPS && frontier.length > 0; hop++) {
    const next: { path: string; name: string }[] = [];
    for (const step of frontier) {
      const key = `${step.path}\0${step.name}`;
      if (visited.has(key)) continue;
      visited.add(key);
      const chunks = await definedIn(step.path, step.name);
      if (chunks.length > 0) return chunks;
      for (const imported of await importsOf(step.path)) {
        if (imported.targetPath === null) continue;
        if (
          imported.kind === "reexport" &&
          imported.localName === step.name &&
          imported.importedName !== "*"
        ) {
          next.push({ path: imported.targetPath, name: imported.importedName! });
        } else if (imported.kind === "reexport-all") {
          next.push({ path: imported.targetPath, name: step.name });
        } else if (
          // `import { X } from "./x"; export { X }` and `export default X`: defined elsewhere.
          (imported.kind === "named" || imported.kind === "default") &&
          imported.localName === step.name
        ) {
          next.push({ path: imported.targetPath, name: imported.importedName! });
        }
      }
    }
    frontier = next;
  }
  return [];
}

function cachedImports(
  db: CodeIndexDatabase,
  scope: RepositoryScope,
  added: ReadonlyMap<string, FoundImport[]>,
) {
  const cache = new Map<string, Promise<FoundImport[]>>();
  return (path: string) => {
    let found = cache.get(path);
    if (found === undefined) {
      found = findImports(db, scope, [path]).then((recorded) => [
        ...(added.get(path) ?? []),
        ...recorded,
      ]);
      cache.set(path, found);
    }
    return found;
  };
}

function cachedDefinitions(db: CodeIndexDatabase, scope: RepositoryScope) {
  const cache = new Map<string, Promise<DefiningChunk[]>>();
  return (path: string, name: string) => {
    const key = `${path}\0${name}`;
    let found = cache.get(key);
    if (found === undefined) {
      found = findNamedDefinitions(db, scope, [name], { path, perName: 2 });
      cache.set(key, found);
    }
    return found;
  };
}

/** How many leading folders two paths share: same folder ranks above a sibling above far away. */
function closeness(path: string, other: string): number {
  const a = path.split("/").slice(0, -1);
  const b = other.split("/").slice(0, -1);
  let shared = 0;
  while (shared < a.length && shared < b.length && a[shared] === b[shared]) shared++;
  return shared * 2 - Math.abs(a.length - b.length) * 0.5;
}
