import { createHash } from "node:crypto";
import { FakeGitHub } from "../../test/helpers/fake-github.ts";
import { changedFiles, pullRequestOpened } from "../../test/helpers/fixtures.ts";

/** What GitHub holds at the end of a run, as the figures need it. */
export type GitHubOutcome = {
  /** `pull:head` -> how many reviews were submitted for that head. */
  reviewsByHead: Map<string, number>;
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
  for (let pull = 1; pull <= pulls; pull += 1) addPull(github, pull, headSha(run, pull, 0));
  const served = await github.listen();
  return {
    github,
    host: served.host,
    setHead(pull: number, sha: string) {
      const current = github.pulls.get(pull);
      if (!current) addPull(github, pull, sha);
      else current.head.sha = sha;
    },
    headOf: (pull: number) => github.pulls.get(pull)!.head.sha,
    outcome: () => outcomeOf(github),
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

function outcomeOf(github: FakeGitHub): GitHubOutcome {
  const reviewsByHead = new Map<string, number>();
  for (const review of github.reviews) {
    if (review.state === "PENDING") continue;
    const key = headKey(review.pullNumber, review.commit_id);
    reviewsByHead.set(key, (reviewsByHead.get(key) ?? 0) + 1);
  }
  const openCheckRuns = [...github.checkRuns.values()].filter(
    (run) => run.status !== "completed",
  ).length;
  return { reviewsByHead, openCheckRuns, violations: [...github.violations] };
}
