import { join, relative } from "node:path";
import ts from "typescript";
import type { TreeDefinitions, DefinitionUse } from "./tree-definitions.ts";

/**
 * The ground truth for TypeScript and JavaScript, from the TypeScript compiler (allowJs for
 * JavaScript, so `require`, `module.exports` and `exports.x =` are followed as the compiler does).
 * `declared`: every definition of the tree by `path#name`. `uses`: for each file of `usesIn`, per
 * 1-based line, the package definitions the compiler resolves the line's identifiers to.
 */
export function readTypeScriptDefinitions(
  root: string,
  files: string[],
  language: "typescript" | "javascript",
  usesIn: string[] = [],
): TreeDefinitions {
  const program = ts.createProgram(
    files.map((path) => join(root, path)),
    {
      noEmit: true,
      allowJs: true,
      checkJs: language === "javascript",
      target: ts.ScriptTarget.ESNext,
      module: language === "typescript" ? ts.ModuleKind.ESNext : ts.ModuleKind.CommonJS,
      moduleResolution:
        language === "typescript"
          ? ts.ModuleResolutionKind.Bundler
          : ts.ModuleResolutionKind.Node10,
      skipLibCheck: true,
      noResolve: false,
    },
  );
  const inTree = new Set(files);
  const pathOf = (file: ts.SourceFile) => relative(root, file.fileName);
  const lineOf = (node: ts.Node) => {
    const file = node.getSourceFile();
    return file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
  };

  // Binding (done with the checker) sets the parent pointers the walks below read.
  const checker = program.getTypeChecker();
  const declared = new Map<string, number[]>();
  for (const path of files) {
    const sourceFile = program.getSourceFile(join(root, path));
    if (!sourceFile) continue;
    const visit = (node: ts.Node) => {
      const name = definitionName(node);
      if (name) {
        const key = `${path}#${nameText(name)}`;
        // `a.b = x` is seen twice (the assignment and its left side): one line each.
        declared.set(key, [...new Set([...(declared.get(key) ?? []), lineOf(name)])]);
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
  }

  const uses = new Map<string, Map<number, DefinitionUse[]>>();
  for (const path of usesIn) {
    const sourceFile = program.getSourceFile(join(root, path));
    if (!sourceFile) continue;
    const byLine = new Map<number, DefinitionUse[]>();
    uses.set(path, byLine);
    const visit = (node: ts.Node) => {
      if (ts.isIdentifier(node) && !definitionNameIs(node)) {
        let symbol = checker.getSymbolAtLocation(node);
        if (symbol && symbol.flags & ts.SymbolFlags.Alias)
          symbol = checker.getAliasedSymbol(symbol);
        for (const declaration of symbol?.declarations ?? []) {
          const file = declaration.getSourceFile();
          const declarationPath = pathOf(file);
          if (!inTree.has(declarationPath)) continue;
          const name = definitionName(declaration);
          if (!name) continue;
          const line = lineOf(node);
          const list = byLine.get(line) ?? [];
          list.push({
            key: `${declarationPath}#${nameText(name)}`,
            path: declarationPath,
            line: lineOf(name),
          });
          byLine.set(line, list);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
  }
  return { declared, uses };
}

/** A declared name without quotes (`"routerOptions": ...` declares `routerOptions`). */
function nameText(name: ts.Node): string {
  return ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isPrivateIdentifier(name)
    ? name.text
    : name.getText();
}

/** Whether `identifier` is the name a definition declares (not a use of one). */
function definitionNameIs(identifier: ts.Identifier): boolean {
  return definitionName(identifier.parent) === identifier;
}

/**
 * The name node when `node` is what "where is X defined" means: a top-level function, class,
 * interface, type, enum, namespace or variable (not a `require` binding), a member of a class,
 * interface or top-level object literal, or a top-level `a.b = ...` assignment (CommonJS exports,
 * prototype methods).
 */
function definitionName(node: ts.Node): ts.Node | undefined {
  if (
    ts.isFunctionDeclaration(node) ||
    ts.isClassDeclaration(node) ||
    ts.isInterfaceDeclaration(node) ||
    ts.isTypeAliasDeclaration(node) ||
    ts.isEnumDeclaration(node) ||
    ts.isModuleDeclaration(node)
  ) {
    return topLevel(node) ? node.name : undefined;
  }
  if (ts.isVariableDeclaration(node)) {
    if (!ts.isIdentifier(node.name) || !topLevel(node.parent.parent)) return undefined;
    return node.initializer && isRequire(node.initializer) ? undefined : node.name;
  }
  if (
    ts.isMethodDeclaration(node) ||
    ts.isPropertyDeclaration(node) ||
    ts.isMethodSignature(node) ||
    ts.isPropertySignature(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node) ||
    ts.isPropertyAssignment(node)
  ) {
    const owner = node.parent;
    if (ts.isClassLike(owner) || ts.isInterfaceDeclaration(owner)) return node.name;
    if (ts.isObjectLiteralExpression(owner) && topLevel(statementOf(owner))) return node.name;
    return undefined;
  }
  if (
    ts.isBinaryExpression(node) &&
    node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
    ts.isPropertyAccessExpression(node.left) &&
    ts.isExpressionStatement(node.parent) &&
    topLevel(node.parent)
  ) {
    return node.left.name;
  }
  if (
    ts.isPropertyAccessExpression(node) &&
    ts.isBinaryExpression(node.parent) &&
    node.parent.left === node &&
    node.parent.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
    ts.isExpressionStatement(node.parent.parent) &&
    topLevel(node.parent.parent)
  ) {
    return node.name;
  }
  return undefined;
}

function topLevel(node: ts.Node | undefined): boolean {
  return !!node && (ts.isSourceFile(node.parent) || ts.isModuleBlock(node.parent));
}

function statementOf(node: ts.Node): ts.Node | undefined {
  let current: ts.Node | undefined = node;
  while (
    current &&
    !ts.isSourceFile(current) &&
    !(ts.isStatement(current) || ts.isVariableStatement(current))
  )
    current = current.parent;
  return current;
}

function isRequire(expression: ts.Expression): boolean {
  let current = expression;
  while (ts.isPropertyAccessExpression(current) || ts.isCallExpression(current)) {
    if (
      ts.isCallExpression(current) &&
      ts.isIdentifier(current.expression) &&
      current.expression.text === "require"
    )
      return true;
    current = current.expression;
  }
  return false;
}
