import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
const a = new PGlite(undefined, { extensions: { vector } });
try {
  await a.exec("CREATE EXTENSION IF NOT EXISTS vector");
  console.log("a ok");
} catch (e) {
  console.log("a", e.message);
}
const b = new PGlite({ extensions: { vector } });
try {
  await b.exec("CREATE EXTENSION IF NOT EXISTS vector");
  console.log("b ok");
} catch (e) {
  console.log("b", e.message);
}
const c = await b.clone();
try {
  await c.exec("select '[1,2]'::vector");
  console.log("c ok");
} catch (e) {
  console.log("c", e.message);
}
