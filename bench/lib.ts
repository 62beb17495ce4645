import { readFileSync } from "node:fs";

/** The p-th percentile (0-100) of `values`, nearest-rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Resident memory of a process in MiB, from /proc (Linux). */
export function residentMiB(pid: number, field: "VmRSS" | "VmHWM" = "VmRSS"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
  return kib / 1024;
}

export function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}

/** Prints one figure as `name: value` and remembers it for the summary. */
export function report(name: string, value: string): void {
  console.log(`  ${name}: ${value}`);
}

/** The database server to measure against, if any (BENCH_DATABASE_URL, else TEST_DATABASE_URL). */
export function serverUrl(): string | undefined {
  return process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
}
