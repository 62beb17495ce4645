/** Index (or refresh the index of) one repository's default branch. */
export type IndexRepositoryJob = {
  installationId: number;
  repositoryId: number;
  owner: string;
  repo: string;
  /** Known from a push payload; the worker reads it from GitHub otherwise. */
  defaultBranch?: string;
  reason: "installed" | "push" | "manual";
  deliveryId: string;
};

/** The singleton key: one queued and one running index job per repository. */
export function indexKey(job: Pick<IndexRepositoryJob, "repositoryId">): string {
  return `index#${job.repositoryId}`;
}
