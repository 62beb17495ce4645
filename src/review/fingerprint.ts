import { createHash } from "node:crypto";

/**
 * The identity of a finding across pushes: its path, the code it quotes (whitespace and case
 * normalised) and its title (normalised). Line numbers are left out on purpose: they move.
 */
export function fingerprintFinding(finding: {
  path: string;
  quotedCode: string;
  title: string;
}): string {
  const code = finding.quotedCode
    .split(/\r?\n/)
    .map((line) => line.trim().replace(/\s+/g, " "))
    .filter((line) => line.length > 0)
    .join("\n");
  const title = finding.title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
  return createHash("sha256")
    .update(`${finding.path}\u0000${code}\u0000${title}`)
    .digest("hex")
    .slice(0, 32);
}
