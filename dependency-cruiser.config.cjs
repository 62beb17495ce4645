/**
 * Import rules for src/ (checked by `npm run lint`). Layers only look down:
 *
 *   entry points      bin/, lambda/
 *   composition root  runtime/, cli/ (the command line composes the features itself)
 *   app and routes    app/, setup/
 *   webhook handlers  handlers/
 *   features          review/, memory/, context/, indexing/, recovery/
 *   shared services   github/, model/, queue/, embeddings/, metrics/, diff/, code-index/,
 *                     repo-config/, safety/
 *   foundation        db/, config/
 *
 * A feature reaches another feature only through that feature's declared interface (the review's
 * extension slots in review/review-extensions.ts). See README.md, "Architecture".
 */
const layer = {
  entry: "^src/(bin|lambda)/",
  root: "^src/(runtime|cli)/",
  app: "^src/(app|setup)/",
  handlers: "^src/handlers/",
  features: "^src/(review|memory|context|indexing|recovery)/",
  services: "^src/(github|model|queue|embeddings|metrics|diff|code-index|repo-config|safety)/",
  foundation: "^src/(db|config)/",
};
const above = {
  root: [layer.entry],
  app: [layer.entry, layer.root],
  handlers: [layer.entry, layer.root, layer.app],
  features: [layer.entry, layer.root, layer.app, layer.handlers],
  services: [layer.entry, layer.root, layer.app, layer.handlers, layer.features],
  foundation: [layer.entry, layer.root, layer.app, layer.handlers, layer.features, layer.services],
};

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "An import cycle makes the modules in it one module: break it.",
      from: {},
      to: { circular: true },
    },
    ...Object.entries(above).map(([name, higher]) => ({
      name: `${name}-looks-down`,
      severity: "error",
      comment: `Code in the ${name} layer imports only from the layers below it.`,
      from: { path: layer[name] },
      to: { path: higher },
    })),
    {
      name: "features-meet-through-interfaces",
      severity: "error",
      comment:
        "A feature imports another feature only through its declared interface (review/review-extensions.ts).",
      from: { path: "^src/(review|memory|context|indexing|recovery)/" },
      to: {
        path: "^src/(review|memory|context|indexing|recovery)/",
        pathNot: ["^src/$1/", "^src/review/review-extensions\\.ts$"],
      },
    },
    {
      name: "services-do-not-know-each-others-internals",
      severity: "error",
      comment: "The queue declares job payloads; it imports no feature, handler or app code.",
      from: { path: "^src/queue/" },
      to: { path: "^src/(review|memory|context|indexing|recovery|handlers|app|setup|runtime)/" },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      from: {},
      // aws-lambda is a types-only package (@types/aws-lambda).
      to: { couldNotResolve: true, pathNot: "^aws-lambda$" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".mts", ".js", ".mjs", ".d.mts", ".json"],
    },
    reporterOptions: {
      archi: { collapsePattern: "^src/[^/]+" },
      dot: { collapsePattern: "^src/[^/]+" },
    },
  },
};
