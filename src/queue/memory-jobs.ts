/** Where a memory job acts: one pull request of one repository of one installation. */
type PullTarget = {
  installationId: number;
  repositoryId: number;
  owner: string;
  repo: string;
  pullNumber: number;
  /** The webhook delivery that asked for it, for logs. */
  deliveryId: string;
};

/** `@revue remember|forget|memories` on a pull request; permission was checked by the handler. */
export type MemoryCommandJob = PullTarget & {
  login: string;
  commentUrl: string;
  command:
    | { kind: "remember"; text: string }
    | { kind: "forget"; id: number }
    | { kind: "forget-stale" }
    | { kind: "memories" };
};

/** A person replied in a thread Revue started: read it, learn or answer. */
export type LearnFromReplyJob = PullTarget & {
  findingId: number;
  /** The thread's first comment (Revue's finding). */
  rootCommentId: number;
  replyCommentId: number;
  replyUrl: string;
  login: string;
};

/** The pull request was closed: read the 👍/👎 on Revue's comments. */
export type CollectReactionsJob = PullTarget;
