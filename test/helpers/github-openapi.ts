import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { Ajv, type ValidateFunction } from "ajv";

/**
 * GitHub's published REST description (`@octokit/openapi`), as the test fake of GitHub checks
 * requests against it: a path GitHub does not have, a method the path does not take, or a body
 * its schema refuses (a missing field, a wrong type, an event outside its enum) is a mistake in
 * Revue that a friendly fake would hide.
 *
 * The description is 13 MB; test files load only what checking requests needs (each operation's
 * request-body schema, references resolved), extracted once per package version into the
 * system's temporary folder.
 */
type Operation = { schema: unknown; bodyRequired: boolean };
type Extract = { paths: Record<string, Record<string, Operation>> };
type Template = { template: string; pattern: RegExp; operations: Record<string, Operation> };

/** Bumped when the extract's shape changes, so an older extract in the cache is not read. */
const EXTRACT_FORMAT = 1;
const require = createRequire(import.meta.url);
const METHODS = ["get", "post", "put", "patch", "delete"];
/** Prose the checks never read, left out of the extract. */
const DROPPED_KEYS = new Set(["description", "example", "examples", "title"]);

let templates: Template[] | undefined;
const validators = new Map<string, ValidateFunction>();
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });

/**
 * Why GitHub would not take this request (a sentence), or null when its description has the
 * route and the body fits the route's schema. `path` is the API path, query string allowed.
 */
export function openApiProblem(method: string, apiPath: string, body: unknown): string | null {
  const pathname = apiPath.split("?")[0]!;
  const matching = routeTemplates().filter((t) => t.pattern.test(pathname));
  if (matching.length === 0) return `GitHub's REST API has no path like ${pathname}`;
  // The most literal template wins (`/pulls/comments/{id}` over `/pulls/{number}/...`).
  const withMethod = matching
    .filter((t) => t.operations[method.toLowerCase()])
    .sort((a, b) => literalLength(b.template) - literalLength(a.template));
  const chosen = withMethod[0];
  if (!chosen) return `GitHub's ${matching[0]!.template} does not take ${method}`;
  const operation = chosen.operations[method.toLowerCase()]!;
  if (body === null || body === undefined || body === "") {
    return operation.bodyRequired ? `${method} ${chosen.template} needs a body` : null;
  }
  if (!operation.schema) return null;
  const key = `${method} ${chosen.template}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(operation.schema as object);
    validators.set(key, validate);
  }
  if (validate(body)) return null;
  const errors = (validate.errors ?? [])
    .map((e) => `${e.instancePath || "(body)"} ${e.message ?? "is invalid"}`)
    .join("; ");
  return `${key}: the body does not fit GitHub's schema: ${errors}`;
}

function literalLength(template: string): number {
  return template.replace(/\{[^}]+\}/g, "").length;
}

function routeTemplates(): Template[] {
  templates ??= Object.entries(loadExtract().paths).map(([template, operations]) => ({
    template,
    pattern: new RegExp(
      `^${template
        .split(/(\{[^}]+\})/)
        .map((part) =>
          // A parameter is one path segment, except a file path, which may hold slashes.
          part === "{path}"
            ? ".+"
            : part.startsWith("{")
              ? "[^/]+"
              : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
        )
        .join("")}$`,
    ),
    operations,
  }));
  return templates;
}

function loadExtract(): Extract {
  const version = (require("@octokit/openapi/package.json") as { version: string }).version;
  const cached = path.join(
    tmpdir(),
    "revue-test-cache",
    `github-openapi-${version}-v${EXTRACT_FORMAT}.json`,
  );
  try {
    return JSON.parse(readFileSync(cached, "utf8")) as Extract;
  } catch {
    const extract = extractOperations(
      require("@octokit/openapi/generated/api.github.com.json") as Description,
    );
    mkdirSync(path.dirname(cached), { recursive: true });
    // Written beside, then renamed: test files extracting at once never read half a file.
    const partial = `${cached}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify(extract));
    renameSync(partial, cached);
    return extract;
  }
}

type Description = {
  paths: Record<string, Record<string, { requestBody?: unknown }>>;
  components: Record<string, Record<string, unknown>>;
};

function extractOperations(description: Description): Extract {
  const paths: Extract["paths"] = {};
  for (const [template, item] of Object.entries(description.paths)) {
    const operations: Record<string, Operation> = {};
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const requestBody = resolve(description, operation.requestBody) as
        { required?: boolean; content?: Record<string, { schema?: unknown }> } | undefined;
      operations[method] = {
        schema: resolve(description, requestBody?.content?.["application/json"]?.schema) ?? null,
        bodyRequired: requestBody?.required === true,
      };
    }
    paths[template] = operations;
  }
  return { paths };
}

/**
 * Inlines `$ref`s to the description's components (request schemas are not recursive) and leaves
 * out prose; the names of a `properties` map are kept whatever they are called.
 */
function resolve(
  description: Description,
  node: unknown,
  depth = 0,
  isPropertyMap = false,
): unknown {
  if (depth > 40 || node === null || typeof node !== "object") return node;
  if (Array.isArray(node)) return node.map((item) => resolve(description, item, depth + 1));
  const ref = (node as { $ref?: unknown }).$ref;
  if (typeof ref === "string") {
    const [, , kind, name] = ref.split("/");
    return resolve(description, description.components[kind!]?.[name!], depth + 1);
  }
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key]) => isPropertyMap || !DROPPED_KEYS.has(key))
      .map(([key, value]) => [
        key,
        resolve(description, value, depth + 1, !isPropertyMap && key === "properties"),
      ]),
  );
}
