/**
 * - `named`: `import { a as b } from "s"` (imported `a`, local `b`); Python `from s import a as b`;
 * - `default`: `import b from "s"` (imported `default`, local `b`);
 * - `namespace`: `import * as b from "s"`; Python `import s as b` / `import s` (local `s`);
 * - `reexport`: `export { a as b } from "s"` (imported `a`, exported as local `b`);
 *   `export * as b from "s"` (imported `*`, local `b`);
 * - `reexport-all`: `export * from "s"` (no names).
 */
export type ImportKind = "named" | "default" | "namespace" | "reexport" | "reexport-all";

/** One name a file imports or re-exports, as written; `line` is 1-based. */
export type ImportedName = {
  kind: ImportKind;
  importedName: string | null;
  localName: string | null;
  specifier: string;
  line: number;
};
