/**
 * Row ranges (0-based, inclusive) of `windowLines` lines, each starting `windowLines -
 * windowOverlap` rows after the previous one, from the first non-blank line to the last. Windows
 * are trimmed of blank lines at both ends and blank-only windows are dropped, so every non-blank
 * line is in at least one window and no window is empty.
 */
export function chunkLineWindows(
  lines: readonly string[],
  windowLines: number,
  windowOverlap: number,
): [number, number][] {
  const isBlank = (row: number): boolean => lines[row]!.trim() === "";
  let first = 0;
  let last = lines.length - 1;
  while (first <= last && isBlank(first)) first++;
  while (last >= first && isBlank(last)) last--;
  const windows: [number, number][] = [];
  for (let start = first; start <= last; start += windowLines - windowOverlap) {
    let from = start;
    let to = Math.min(start + windowLines - 1, last);
    while (from <= to && isBlank(from)) from++;
    while (to >= from && isBlank(to)) to--;
    if (from <= to) windows.push([from, to]);
    if (start + windowLines - 1 >= last) break;
  }
  return windows;
}
