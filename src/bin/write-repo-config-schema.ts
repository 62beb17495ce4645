// Writes schema/revue.schema.json from the zod schema of .github/revue.yml:
// `npm run schema:write` (which formats it with Prettier after). A test fails while the file
// differs from the schema (test/repo-config/repo-config-json-schema.test.ts).
import { writeFileSync } from "node:fs";
import {
  buildRepoConfigJsonSchema,
  REPO_CONFIG_SCHEMA_PATH,
} from "../repo-config/repo-config-json-schema.ts";

writeFileSync(REPO_CONFIG_SCHEMA_PATH, `${JSON.stringify(buildRepoConfigJsonSchema(), null, 2)}\n`);
console.log(`wrote ${REPO_CONFIG_SCHEMA_PATH}`);
