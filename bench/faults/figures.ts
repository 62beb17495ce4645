/** One measured figure of a scenario, with its goal when it has one. */
export type Figure = {
  scenario: string;
  name: string;
  value: string;
  goal?: string;
  /** Whether the goal was met (undefined: no goal). */
  met?: boolean;
};

/** A count whose goal is zero (lost deliveries, open check runs, processes that died...). */
export function noneOf(scenario: string, name: string, count: number): Figure {
  return { scenario, name, value: String(count), goal: "0", met: count === 0 };
}

/** Prints figures as an aligned table: scenario, figure, value, goal, and whether it was met. */
export function printFigures(figures: Figure[]): void {
  const rows = [
    ["scenario", "figure", "value", "goal", ""],
    ...figures.map((f) => [
      f.scenario,
      f.name,
      f.value,
      f.goal ?? "",
      f.met === undefined ? "" : f.met ? "ok" : "MISSED",
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const [index, row] of rows.entries()) {
    console.log(
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join("  ")
        .trimEnd(),
    );
    if (index === 0) console.log(widths.map((width) => "-".repeat(width)).join("  "));
  }
}

/** Polls `check` every `everyMs` until it is true; false when `timeoutMs` passed first. */
export async function pollUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  everyMs = 250,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
