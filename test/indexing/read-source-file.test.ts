import { describe, expect, it } from "vitest";
import { readSourceFile } from "../../src/indexing/chunk-source.ts";
import { readModuleSettings, resolveImport } from "../../src/code-index/resolve-import.ts";

const symbolsOf = async (path: string, source: string) =>
  (await readSourceFile(path, source)).chunks.flatMap((chunk) => chunk.symbols);

describe("the symbol table, on parsed code", () => {
  it("has every TypeScript declaration: const/let/var whatever their value, $ names, namespaces, enums, members", async () => {
    const source = [
      'import { createCache } from "./cache";',
      "export const cache = createCache();",
      "export const client = new HttpClient(), $store = createStore();",
      "let counter = 0;",
      "var legacy = 1;",
      "export function $derived(value: number) { return value; }",
      "export interface Options { size: number }",
      "export type Key = string;",
      "export enum Mode { Fast, Slow }",
      "export namespace Shapes { export const unit = 1; }",
      "export class Store { get(key: string) { return key; } }",
      "export default cache;",
    ].join("\n");
    const symbols = await symbolsOf("src/store.ts", source);
    for (const name of [
      "cache",
      "client",
      "$store",
      "counter",
      "legacy",
      "$derived",
      "Options",
      "Key",
      "Mode",
      "Shapes",
      "unit",
      "Store",
      "Store.get",
      "default",
    ]) {
      expect(symbols, name).toContain(name);
    }
  });

  it("has the data members of interfaces, classes and top-level object literals, by name and owner", async () => {
    const source = [
      "export interface State {",
      "  base_: object;",
      "  readonly $copy?: object;",
      "}",
      "export class Scope {",
      "  drafts_ = [];",
      "  static count = 0;",
      "}",
      "export const traps = {",
      "  get(target: object) { return target; },",
      '  "has": true,',
      "  limit,",
      "};",
    ].join("\n");
    const symbols = await symbolsOf("src/state.ts", source);
    for (const name of [
      "base_",
      "State.base_",
      "$copy",
      "State.$copy",
      "drafts_",
      "Scope.drafts_",
      "count",
      "traps.get",
      "has",
      "traps.has",
      "limit",
      "traps.limit",
    ]) {
      expect(symbols, name).toContain(name);
    }
  });

  it("does not take `const x = require(...)` for a definition", async () => {
    expect(
      await symbolsOf(
        "a.js",
        'const fs = require("fs");\nconst parse = require("url").parse;\nconst size = 1;\n',
      ),
    ).toEqual(["size"]);
  });

  it("has Python module assignments and Go constants and variables by name", async () => {
    expect(await symbolsOf("m.py", "LIMIT = 10\ndef run():\n    pass\n")).toEqual(["LIMIT", "run"]);
    expect(
      await symbolsOf("m.go", 'package m\n\nconst Limit = 10\n\nvar (\n\tname = "x"\n)\n'),
    ).toEqual(["Limit", "name"]);
  });
});

describe("imports, on parsed code", () => {
  it("reads named, aliased, default, namespace imports and every kind of re-export", async () => {
    const source = [
      'import Client, { parse as parseUrl, format } from "./url";',
      'import * as core from "@v2/core";',
      'import type { Options } from "./options";',
      'export { Store as DefaultStore } from "./store";',
      'export * from "./helpers";',
      'export * as shapes from "./shapes";',
    ].join("\n");
    const { imports } = await readSourceFile("src/index.ts", source);
    expect(imports.map((i) => [i.kind, i.importedName, i.localName, i.specifier, i.line])).toEqual([
      ["default", "default", "Client", "./url", 1],
      ["named", "parse", "parseUrl", "./url", 1],
      ["named", "format", "format", "./url", 1],
      ["namespace", "*", "core", "@v2/core", 2],
      ["named", "Options", "Options", "./options", 3],
      ["reexport", "Store", "DefaultStore", "./store", 4],
      ["reexport-all", null, null, "./helpers", 5],
      ["reexport", "*", "shapes", "./shapes", 6],
    ]);
  });

  it("reads CommonJS requires at the top level: whole module, one export, destructured", async () => {
    const source = [
      'const utils = require("./utils");',
      "var setCharset = require('./utils').setCharset;",
      'const { compile, parse: parseQuery } = require("../query");',
      "function later() {",
      '  const lazy = require("./lazy");',
      "}",
      'const size = 1, fs = require("fs");',
    ].join("\n");
    const { imports } = await readSourceFile("lib/response.js", source);
    expect(imports.map((i) => [i.kind, i.importedName, i.localName, i.specifier, i.line])).toEqual([
      ["namespace", "*", "utils", "./utils", 1],
      ["named", "setCharset", "setCharset", "./utils", 2],
      ["named", "compile", "compile", "../query", 3],
      ["named", "parse", "parseQuery", "../query", 3],
      ["namespace", "*", "fs", "fs", 7],
    ]);
  });

  it("reads Python imports", async () => {
    const source = "from .models import User as U\nimport pkg.tools\nimport json as j\n";
    const { imports } = await readSourceFile("app/views.py", source);
    expect(imports.map((i) => [i.kind, i.importedName, i.localName, i.specifier])).toEqual([
      ["named", "User", "U", ".models"],
      ["namespace", "*", "pkg", "pkg"],
      ["namespace", "*", "j", "json"],
    ]);
  });
});

describe("resolveImport", () => {
  const files = new Set([
    "src/url.ts",
    "src/v2/index.ts",
    "src/v2/core.ts",
    "lib/helpers.js",
    "app/models.py",
    "app/__init__.py",
    "pkg/tools/__init__.py",
  ]);
  const none = readModuleSettings("{}");

  it("resolves relative paths with an extension, a .js written for .ts, and a folder's index", () => {
    expect(resolveImport("src/app.ts", "./url", files, none)).toBe("src/url.ts");
    expect(resolveImport("src/app.ts", "./url.js", files, none)).toBe("src/url.ts");
    expect(resolveImport("src/app.ts", "./v2", files, none)).toBe("src/v2/index.ts");
    expect(resolveImport("src/v2/core.ts", "../../lib/helpers", files, none)).toBe(
      "lib/helpers.js",
    );
    expect(resolveImport("src/app.ts", "react", files, none)).toBeNull();
  });

  it("resolves tsconfig paths and baseUrl (comments and trailing commas allowed)", () => {
    const settings = readModuleSettings(
      '{ // config\n "compilerOptions": { "baseUrl": "src", "paths": { "@v2/*": ["v2/*"], }, } }',
    );
    expect(resolveImport("test/a.ts", "@v2/core", files, settings)).toBe("src/v2/core.ts");
    expect(resolveImport("test/a.ts", "url", files, settings)).toBe("src/url.ts");
    const withoutBase = readModuleSettings('{"compilerOptions":{"paths":{"#lib/*":["./lib/*"]}}}');
    expect(resolveImport("src/a.ts", "#lib/helpers", files, withoutBase)).toBe("lib/helpers.js");
    expect(resolveImport("src/a.ts", "url", files, withoutBase)).toBeNull();
  });

  it("resolves Python relative and package-local modules", () => {
    expect(resolveImport("app/views.py", ".models", files, none)).toBe("app/models.py");
    expect(resolveImport("app/views.py", ".", files, none)).toBe("app/__init__.py");
    expect(resolveImport("app/views.py", "pkg.tools", files, none)).toBe("pkg/tools/__init__.py");
    expect(resolveImport("app/views.py", "json", files, none)).toBeNull();
  });
});
