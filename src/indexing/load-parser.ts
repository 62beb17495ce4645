import { createRequire } from "node:module";
import { Language, Parser } from "web-tree-sitter";

const require = createRequire(import.meta.url);

let runtime: Promise<void> | undefined;
const parsers = new Map<string, Promise<Parser>>();

/**
 * A parser for one tree-sitter grammar (`tree-sitter-<grammar>.wasm` from
 * @repomix/tree-sitter-wasms). The WASM runtime and each grammar load once per process, on first
 * use; later calls share the same parser, which is safe because parsing is synchronous.
 *
 * Throws when the runtime or the grammar cannot be loaded (a broken install, not a bad file);
 * a failed load is forgotten, so the next call tries again.
 */
export function loadParser(grammar: string): Promise<Parser> {
  let parser = parsers.get(grammar);
  if (parser === undefined) {
    parser = createParser(grammar);
    parsers.set(grammar, parser);
    parser.catch(() => parsers.delete(grammar));
  }
  return parser;
}

async function createParser(grammar: string): Promise<Parser> {
  runtime ??= Parser.init().catch((error: unknown) => {
    runtime = undefined;
    throw new Error("Could not start the tree-sitter WASM runtime (web-tree-sitter)", {
      cause: error,
    });
  });
  await runtime;
  const specifier = `@repomix/tree-sitter-wasms/out/tree-sitter-${grammar}.wasm`;
  let language: Language;
  try {
    language = await Language.load(require.resolve(specifier));
  } catch (error) {
    throw new Error(
      `Could not load the ${grammar} grammar (${specifier}); reinstall dependencies`,
      {
        cause: error,
      },
    );
  }
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}
