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
  // Letters and digits of any script: keeping only a-z made every title in Japanese, Russian or
  // Arabic the same (""). ASCII titles normalise as before, so their stored fingerprints hold.
  const title = finding.title
    .normalize("NFC")
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, " ")
    .trim();
  return createHash("sha256")
    .update(`${finding.path}\u0000${code}\u0000${title}`)
    .digest("hex")
    .slice(0, 32);
}
