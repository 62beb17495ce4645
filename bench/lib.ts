import { readdirSync, readFileSync } from "node:fs";

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

/** CPU time a process has used, in ms (utime + stime from /proc, in clock ticks of 10 ms); 0 once it is gone. */
export function processCpuMs(pid: number | string): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/**
 * CPU time used so far by every process of this machine named `postgres` (the server and its
 * backends), in ms: the difference over a load is what a local PostgreSQL spent on it, give or take
 * a backend that started or ended within the load.
 */
export function postgresCpuMs(): number {
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").startsWith("postgres"))
        total += processCpuMs(entry);
    } catch {
      // gone meanwhile
    }
  }
  return total;
}
