import { fromSql } from "pgvector/kysely";
import type { Memory } from "../db/schema.ts";
import { cosineSimilarity } from "../embeddings/embedder.ts";
import type { FileDiff } from "../diff/format-diff.ts";
import { estimateTokens } from "../model/estimate-tokens.ts";
import { matchGlob } from "../repo-config/match-glob.ts";

/** Whether a memory applies to a pull request by this author touching these paths. Pure. */
export function memoryApplies(
  memory: Pick<Memory, "author" | "path_glob">,
  author: string,
  paths: readonly string[],
): boolean {
  if (memory.author && memory.author.toLowerCase() !== author.toLowerCase()) return false;
  if (memory.path_glob && !paths.some((path) => matchGlob(memory.path_glob!, path))) return false;
  return true;
}

/** One memory as the model reads it in the prompt's memory slot. */
export function renderMemoryLine(
  memory: Pick<Memory, "id" | "kind" | "statement" | "path_glob" | "author">,
) {
  const where = [
    memory.path_glob ? `paths ${memory.path_glob}` : null,
    memory.author ? `pull requests by @${memory.author}` : null,
  ].filter(Boolean);
  return `- [memory ${memory.id}, ${memory.kind}${where.length > 0 ? `; ${where.join(", ")}` : ""}] ${memory.statement.trim()}`;
}

/**
 * The memories that apply (author, paths), most similar to the diff first, packed into
 * `budgetTokens`. A memory embedded by another model cannot be compared and ranks last (it still
 * applies). Pure: returns the text of the slot and the ids used.
 */
export function selectMemories(
  memories: readonly Memory[],
  query: { author: string; paths: readonly string[]; vector: number[]; model: string },
  budgetTokens: number,
): { text: string; ids: number[] } {
  const ranked = memories
    .filter((memory) => memoryApplies(memory, query.author, query.paths))
    .map((memory) => {
      const vector = memory.embedding_model === query.model ? fromSql(memory.embedding) : null;
      const similarity =
        Array.isArray(vector) && vector.length === query.vector.length
          ? cosineSimilarity(vector, query.vector)
          : -1;
      return { memory, similarity };
    })
    .sort((a, b) => b.similarity - a.similarity || a.memory.id - b.memory.id);
  const lines: string[] = [];
  const ids: number[] = [];
  let used = 0;
  for (const { memory } of ranked) {
    const line = renderMemoryLine(memory);
    const cost = estimateTokens(line) + 1;
    if (used + cost > budgetTokens) continue;
    lines.push(line);
    ids.push(memory.id);
    used += cost;
  }
  return { text: lines.join("\n"), ids };
}

/** The text of a diff that memories are ranked against: paths and changed lines, bounded. */
export function diffText(files: readonly FileDiff[], maxChars = 20_000): string {
  const parts: string[] = [];
  let length = 0;
  for (const file of files) {
    parts.push(file.path);
    length += file.path.length;
    for (const hunk of file.hunks) {
      for (const line of hunk.lines) {
        if (line.kind === "context") continue;
        if (length > maxChars) return parts.join("\n");
        parts.push(line.text);
        length += line.text.length;
      }
    }
  }
  return parts.join("\n");
}
