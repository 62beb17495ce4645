/** A vector in pgvector's text form (`[0.1,0.2]`), which both PGlite and the server accept. */
export function toVectorText(vector: number[]): string {
  return `[${vector.join(",")}]`;
}

/** Reads a vector as the database returns it: pgvector text, or already an array. */
export function parseVector(value: unknown): number[] | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(Number);
  if (typeof value !== "string") return null;
  const inner = value.trim().replace(/^\[/, "").replace(/\]$/, "");
  if (inner === "") return [];
  return inner.split(",").map(Number);
}
