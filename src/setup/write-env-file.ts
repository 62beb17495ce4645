import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { parseEnv } from "node:util";

/**
 * Merges `values` into the dotenv file at `path` (created if missing) and restricts it to its owner,
 * since it holds the App's private key. Multi-line values (the PEM) are written double-quoted with
 * `\n`, which `process.loadEnvFile` reads back as newlines. Throws when the file cannot be written.
 */
export function writeEnvFile(path: string, values: Record<string, string>): void {
  const current = existsSync(path) ? parseEnv(readFileSync(path, "utf8")) : {};
  const merged: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...current, ...values })) {
    if (value !== undefined) merged[key] = value;
  }
  const lines = Object.entries(merged).map(([key, value]) => `${key}=${formatValue(value)}`);
  writeFileSync(path, `${lines.join("\n")}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

function formatValue(value: string): string {
  if (/^[\w@%+=:,./-]*$/.test(value)) return value;
  if (value.includes('"')) throw new Error("a value with a double quote cannot be written to .env");
  return `"${value.replace(/\r?\n/g, "\\n")}"`;
}
