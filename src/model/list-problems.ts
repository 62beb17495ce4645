/** How many validation problems a repair request or an error lists. */
const maxListedProblems = 20;

/** The problems as a Markdown list, at most 20 of them and a count of the rest. */
export function listProblems(problems: string[]): string {
  const listed = problems.slice(0, maxListedProblems).map((problem) => `- ${problem}`);
  if (problems.length > maxListedProblems) {
    listed.push(`- ... and ${problems.length - maxListedProblems} more`);
  }
  return listed.join("\n");
}
