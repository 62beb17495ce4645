import { createHash } from "node:crypto";
import { FakeGitHub } from "../../test/helpers/fake-github.ts";
import { changedFiles, pullRequestOpened } from "../../test/helpers/fixtures.ts";

/** What GitHub holds at the end of a run, as the figures need it. */
export type GitHubOutcome = {
  /**
   * `pull:head` -> how many times Revue reported that head reviewed: a check run closed as a
   * success. (A review whose every finding was already posted on an earlier push submits no GitHub
   * review, only the check run and the summary comment.)
   */
  reviewsByHead: Map<string, number>;
  /** `pull:head` -> how many GitHub reviews were submitted for that head. */
  postedByHead: Map<string, number>;
  /** Check runs not `completed`. */
  openCheckRuns: number;
  /** Requests GitHub would have refused, or the stand-in does not serve. */
  violations: string[];
};

/** A head sha for pull request `pull`, push `push` (0: the one it was opened with), unique per run. */
export function headSha(run: string, pull: number, push: number): string {
  return createHash("sha1").update(`${run}:${pull}:${push}`).digest("hex");
}

export function headKey(pull: number, sha: string): string {
  return `${pull}:${sha}`;
}

/**
 * GitHub for one repository with `pulls` open pull requests (numbers 1..pulls), each showing the
 * fixture's changed files, served over HTTP (FakeGitHub: strict about every request). A push is
 * `setHead`: GitHub's pull request shows the new head before the webhook about it is sent.
 */
export async function startGitHub(run: string, pulls: number) {
  const github = new FakeGitHub();
  /** Every head ever shown, with its pull request. */
  const pullOfHead = new Map<string, number>();
  for (let pull = 1; pull <= pulls; pull += 1) {
    addPull(github, pull, headSha(run, pull, 0));
    pullOfHead.set(headSha(run, pull, 0), pull);
  }
  const served = await github.listen();
  return {
    github,
    host: served.host,
    setHead(pull: number, sha: string) {
      pullOfHead.set(sha, pull);
      const current = github.pulls.get(pull);
      if (!current) addPull(github, pull, sha);
      else current.head.sha = sha;
    },
    headOf: (pull: number) => github.pulls.get(pull)!.head.sha,
    outcome: () => outcomeOf(github, pullOfHead),
    close: served.close,
  };
}

function addPull(github: FakeGitHub, pull: number, sha: string) {
  const pr = pullRequestOpened().pull_request;
  pr.number = pull;
  pr.head.sha = sha;
  github.pulls.set(pull, pr);
  github.files.set(pull, changedFiles());
}

function outcomeOf(github: FakeGitHub, pullOfHead: Map<string, number>): GitHubOutcome {
  const count = (counts: Map<string, number>, key: string) =>
    counts.set(key, (counts.get(key) ?? 0) + 1);
  const postedByHead = new Map<string, number>();
  for (const review of github.reviews) {
    if (review.state !== "PENDING")
      count(postedByHead, headKey(review.pullNumber, review.commit_id));
  }
  const reviewsByHead = new Map<string, number>();
  let openCheckRuns = 0;
  for (const run of github.checkRuns.values()) {
    if (run.status !== "completed") openCheckRuns += 1;
    else if (run.conclusion === "success") {
      const sha = String(run.head_sha);
      // A check run names its head, not its pull request.
      count(reviewsByHead, headKey(pullOfHead.get(sha) ?? 0, sha));
    }
  }
  return { reviewsByHead, postedByHead, openCheckRuns, violations: [...github.violations] };
}
