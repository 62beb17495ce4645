import { createHash } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import nock from "nock";
import { openApiProblem } from "./github-openapi.ts";

export const GITHUB_API = "https://api.github.com";

type Handler = (path: string, body: unknown) => [number, unknown, Record<string, string>?];

export type RecordedRequest = { method: string; path: string; body: unknown };

type PullData = Record<string, unknown> & {
  number: number;
  head: { sha: string; ref: string };
  base: { sha: string; ref: string };
};
type FileData = {
  filename: string;
  status: string;
  additions: number;
  deletions: number;
  changes: number;
  patch?: string;
  previous_filename?: string;
  sha?: string;
};

/** GitHub's limit on a comment or review body, in characters. */
export const GITHUB_BODY_LIMIT = 65_536;
/** GitHub's limit on a check run's `output.summary` and `output.text`. */
export const CHECK_RUN_TEXT_LIMIT = 65_535;

/** Every fake made in the current test file, so the test set-up can fail a test one of them saw misused. */
export const liveFakes = new Set<FakeGitHub>();

/**
 * A stand-in for GitHub's REST API over nock, for one repository. It keeps just enough state
 * (pull requests, files, check runs, reviews, comments) to answer the calls Revue makes with
 * GitHub's response shapes, and records every request so tests assert what was sent.
 *
 * It is strict where GitHub is: a request GitHub's published description refuses (a path it does
 * not have, a body its schema rejects), a route this fake does not serve, a body over GitHub's
 * length limits, or a second pending review by the same user on one pull request is answered as
 * GitHub would (or 501 for a route not served) and recorded in `violations`; the test set-up
 * (`fail-on-github-violations.ts`) fails the test that caused it, so a friendly answer never
 * hides a wrong call.
 */
export class FakeGitHub {
  readonly owner: string;
  readonly repo: string;
  readonly requests: RecordedRequest[] = [];
  /** What GitHub would have refused, or this fake cannot answer; a test with any fails. */
  readonly violations: string[] = [];
  /** Set by a test that misuses GitHub on purpose and asserts `violations` itself. */
  expectViolations = false;
  slug = "revue";
  pulls = new Map<number, PullData>();
  files = new Map<number, FileData[]>();
  /** `from...to` -> compare answer. */
  compares = new Map<string, { status: string; files: FileData[] } | "missing">();
  configYaml: string | null = null;
  /** login -> role_name for the permission endpoint. */
  permissions = new Map<string, string>();
  /** Decides whether a review with these comments is refused with 422 (message) or accepted (null). */
  refuseReview: (comments: { path: string; line: number; body: string }[]) => string | null = () =>
    null;
  /**
   * Called after a request was answered, with it and its status: a test changes the fake's state
   * at a chosen moment of a review (a push right after the review is posted, say).
   */
  afterAnswer?: (request: RecordedRequest, status: number) => void;
  checkRuns = new Map<number, Record<string, unknown>>();
  reviews: {
    id: number;
    pullNumber: number;
    body: string;
    event?: string;
    commit_id: string;
    comments: Record<string, unknown>[];
    state: string;
  }[] = [];
  issueComments: { id: number; body: string; user: { login: string; type: string } }[] = [];
  reactions: { commentId: number; content: string }[] = [];
  /**
   * The App manifest flow: setup code -> the conversion GitHub answers (201), or a status (404 for
   * an unknown code, 422 for an expired one). A code is used up by a successful conversion.
   */
  manifestConversions = new Map<string, Record<string, unknown> | number>();
  /** The code index's view of the repository: its id, default branch and head (null: an empty repository). */
  repositoryId = 1296269;
  defaultBranch = "main";
  branchHead: string | null = null;
  /** sha -> gzipped tar served by the tarball endpoint (top folder `owner-repo-sha/`, as GitHub). */
  tarballs = new Map<string, Buffer>();
  /** `${sha}:${path}` -> a file's bytes for the contents API, or "symlink"/"submodule". */
  contents = new Map<string, Buffer | "symlink" | "submodule">();
  /** Team memory: 👍/👎 on review comments (comment id -> reactions), and replies in review threads. */
  reviewCommentReactions = new Map<
    number,
    { content: string; user: { login: string; type: string } }[]
  >();
  threadComments: {
    id: number;
    body: string;
    in_reply_to_id?: number;
    user: { login: string; type: string };
  }[] = [];
  /**
   * The App's webhook delivery attempts (`GET /app/hook/deliveries`), in any order: listed newest
   * first, paged by cursor. A redelivery asked for (`POST .../attempts`) is recorded in
   * `redeliveryRequests` and handed to `onRedeliver` (as GitHub would send it again).
   */
  hookDeliveries: {
    id: number;
    guid: string;
    delivered_at: string;
    redelivery: boolean;
    duration: number;
    status: string;
    status_code: number;
    event: string;
    action: string | null;
    installation_id: number | null;
    repository_id: number | null;
  }[] = [];
  redeliveryRequests: number[] = [];
  /** How GitHub answers a redelivery request (202 accepted; 422 when it is too old to redeliver). */
  redeliveryStatus = 202;
  onRedeliver: (attempt: FakeGitHub["hookDeliveries"][number]) => void = () => {};
  /** The App's installation on this repository (`GET /repos/{owner}/{repo}/installation`); null: not installed (404). */
  installationId: number | null = 2;
  private nextId = 1000;
  /** Where clients reach this fake; pagination links point here. */
  private baseUrl = GITHUB_API;

  constructor(owner = "Codertocat", repo = "Hello-World") {
    this.owner = owner;
    this.repo = repo;
    liveFakes.add(this);
  }

  /** Requests whose method and path match, in order. */
  calls(method: string, pathPattern: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && pathPattern.test(r.path));
  }

  private routes: { method: string; pattern: RegExp; handler: Handler }[] = [];

  /**
   * Answers one request as GitHub would: `[status, body, headers]`. The path is the API path
   * (`/repos/...`); a GitHub Enterprise prefix `/api/v3` is accepted and removed. A request no route
   * knows answers 404 and is recorded, so the test sees it.
   */
  handle(
    method: string,
    rawPath: string,
    body: unknown,
  ): [number, unknown, Record<string, string>?] {
    const path = rawPath.replace(/^\/api\/v3/, "");
    if (this.routes.length === 0) this.defineRoutes();
    const refusal = openApiProblem(method, path, body) ?? tooLong(path, body);
    if (refusal) {
      this.requests.push({ method, path, body });
      this.violations.push(`${method} ${path}: ${refusal}`);
      return [
        refusal.startsWith("GitHub's REST API has no path") ? 404 : 422,
        { message: refusal },
      ];
    }
    const route = this.routes.find(
      (r) => r.method === method && r.pattern.test(path.split("?")[0]!),
    );
    if (!route) {
      this.requests.push({ method, path, body });
      const problem = `FakeGitHub has no route for ${method} ${path}`;
      this.violations.push(problem);
      return [501, { message: problem }];
    }
    const answer = route.handler(path, body);
    this.afterAnswer?.({ method, path, body }, answer[0]);
    return answer;
  }

  /** Answers api.github.com through nock. Call `nock.cleanAll()` after the test. */
  install(): void {
    for (const method of ["GET", "POST", "PATCH", "PUT", "DELETE"]) {
      nock(GITHUB_API)
        .persist()
        .intercept(/.*/, method)
        // nock 15 hands a reply function one fetch Request; the body is read from it.
        .reply(async (request: unknown) => {
          const req = request as Request;
          const url = new URL(req.url);
          const text = method === "GET" || method === "DELETE" ? "" : await req.text();
          return this.handle(
            method,
            `${url.pathname}${url.search}`,
            text ? parseBody(text) : null,
          ) as [number, string];
        });
    }
  }

  /** Serves the same answers over real HTTP on 127.0.0.1 (for `GHE_HOST`). Returns host:port and a closer. */
  async listen(): Promise<{ host: string; close(): Promise<void> }> {
    const server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString("utf8");
      const [status, body, headers = {}] = this.handle(
        req.method ?? "GET",
        req.url ?? "/",
        text ? parseBody(text) : null,
      );
      const payload = Buffer.isBuffer(body) ? body : JSON.stringify(body ?? null);
      res.writeHead(status, {
        "content-type": Buffer.isBuffer(body) ? "application/octet-stream" : "application/json",
        ...headers,
      });
      res.end(payload);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}/api/v3`;
    return {
      host: `127.0.0.1:${port}`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }

  private defineRoutes(): void {
    const repoPath = `/repos/${this.owner}/${this.repo}`;
    const record = (method: string, path: string, body: unknown) => {
      this.requests.push({ method, path, body });
    };
    const route = (method: string, pattern: string | RegExp, handler: Handler) => {
      this.routes.push({
        method,
        pattern:
          typeof pattern === "string"
            ? new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`)
            : pattern,
        handler,
      });
    };
    const id = () => (this.nextId += 1);

    route("POST", /^\/app-manifests\/[^/]+\/conversions$/, (path) => {
      record("POST", path, null);
      const code = decodeURIComponent(path.split("/")[2]!);
      const answer = this.manifestConversions.get(code);
      if (answer === undefined) return [404, { message: "Not Found" }];
      if (typeof answer === "number") return [answer, { message: "Validation Failed" }];
      this.manifestConversions.delete(code);
      return [201, answer];
    });
    route("POST", /\/app\/installations\/\d+\/access_tokens/, (path, body) => {
      const status = 201;
      record("POST", path, body);
      return [
        status,
        {
          token: "ghs_installationtoken",
          expires_at: new Date(Date.now() + 3600_000).toISOString(),
          permissions: {},
        },
      ];
    });
    route("GET", `${repoPath}/installation`, (path) => {
      record("GET", path, null);
      if (this.installationId === null) return [404, { message: "Not Found" }];
      return [
        200,
        {
          id: this.installationId,
          account: { login: this.owner, id: 1, type: "User" },
          app_id: 1,
          app_slug: this.slug,
          target_type: "User",
          permissions: { pull_requests: "write", contents: "read" },
          events: ["pull_request"],
          repository_selection: "selected",
        },
      ];
    });
    route("GET", "/app", (path) => {
      const status = 200;
      record("GET", path, null);
      return [status, { id: 1, slug: this.slug, name: "Revue", owner: { login: "octo" } }];
    });
    route("GET", "/app/hook/deliveries", (path) => {
      record("GET", path, null);
      const url = new URL(`${this.baseUrl}${path}`);
      const perPage = Number(url.searchParams.get("per_page") ?? "30");
      const cursor = Number(url.searchParams.get("cursor") ?? "0");
      const newestFirst = [...this.hookDeliveries].sort(
        (a, b) => Date.parse(b.delivered_at) - Date.parse(a.delivered_at) || b.id - a.id,
      );
      const slice = newestFirst.slice(cursor, cursor + perPage);
      const headers: Record<string, string> = {};
      if (cursor + perPage < newestFirst.length) {
        const next = new URL(url);
        next.searchParams.set("cursor", String(cursor + perPage));
        headers.link = `<${next.toString()}>; rel="next"`;
      }
      return [200, slice, headers];
    });
    route("POST", /^\/app\/hook\/deliveries\/\d+\/attempts$/, (path, body) => {
      record("POST", path, body);
      const attemptId = Number(path.split("/")[4]);
      const attempt = this.hookDeliveries.find((d) => d.id === attemptId);
      if (!attempt) return [404, { message: "Not Found" }];
      if (this.redeliveryStatus !== 202) {
        return [this.redeliveryStatus, { message: "Validation Failed" }];
      }
      this.redeliveryRequests.push(attemptId);
      this.onRedeliver(attempt);
      return [202, {}];
    });
    route("GET", new RegExp(`^${repoPath}/pulls/\\d+$`), (path) => {
      record("GET", path, null);
      const pull = this.pulls.get(Number(path.split("/").pop()));
      return pull ? [200, pull] : [404, { message: "Not Found" }];
    });
    route("GET", new RegExp(`^${repoPath}/pulls/\\d+/files`), (path) => {
      record("GET", path, null);
      const number = Number(/pulls\/(\d+)\/files/.exec(path)![1]);
      const url = new URL(`${this.baseUrl}${path}`);
      const page = Number(url.searchParams.get("page") ?? "1");
      const perPage = Number(url.searchParams.get("per_page") ?? "30");
      const all = this.files.get(number) ?? [];
      const slice = all.slice((page - 1) * perPage, page * perPage);
      const headers: Record<string, string> = {};
      if (page * perPage < all.length) {
        const next = new URL(url);
        next.searchParams.set("page", String(page + 1));
        headers.link = `<${next.toString()}>; rel="next"`;
      }
      return [200, slice, headers];
    });
    route("GET", new RegExp(`^${repoPath}/contents/\\.github(%2F|/)revue\\.yml`), (path) => {
      record("GET", path, null);
      if (this.configYaml === null) return [404, { message: "Not Found" }];
      return [
        200,
        {
          type: "file",
          encoding: "base64",
          content: Buffer.from(this.configYaml).toString("base64"),
        },
      ];
    });
    route("GET", new RegExp(`^${repoPath}/compare/`), (path) => {
      record("GET", path, null);
      const basehead = decodeURIComponent(/compare\/([^?]+)/.exec(path)![1]!);
      const answer = this.compares.get(basehead);
      if (!answer || answer === "missing") return [404, { message: "Not Found" }];
      return [200, { status: answer.status, files: answer.files, commits: [] }];
    });
    route("POST", `${repoPath}/check-runs`, (path, body) => {
      const status = 201;
      record("POST", path, body);
      const checkId = id();
      this.checkRuns.set(checkId, { id: checkId, ...(body as object) });
      return [status, { id: checkId, ...(body as object) }];
    });
    route("GET", new RegExp(`^${repoPath}/commits/[^/]+/check-runs`), (path) => {
      record("GET", path, null);
      const url = new URL(`${this.baseUrl}${path}`);
      const ref = decodeURIComponent(/commits\/([^/]+)\/check-runs/.exec(path)![1]!);
      const name = url.searchParams.get("check_name");
      const runs = [...this.checkRuns.values()].filter(
        (run) => run.head_sha === ref && (name === null || run.name === name),
      );
      return [200, { total_count: runs.length, check_runs: runs }];
    });
    route("PATCH", new RegExp(`^${repoPath}/check-runs/\\d+$`), (path, body) => {
      record("PATCH", path, body);
      const checkId = Number(path.split("/").pop());
      const run = this.checkRuns.get(checkId);
      if (!run) return [404, { message: "Not Found" }];
      Object.assign(run, body as object);
      return [200, run];
    });
    route("POST", new RegExp(`^${repoPath}/pulls/\\d+/reviews$`), (path, body) => {
      record("POST", path, body);
      const review = body as {
        body?: string;
        event?: string;
        commit_id: string;
        comments?: { path: string; line: number; body: string }[];
      };
      const pullNumber = Number(/pulls\/(\d+)\/reviews/.exec(path)![1]);
      if (
        !review.event &&
        this.reviews.some((r) => r.pullNumber === pullNumber && r.state === "PENDING")
      ) {
        // GitHub's answer to a second pending review by the same user (the App) on one pull request.
        return [
          422,
          {
            message: "Unprocessable Entity",
            errors: ["User can only have one pending review per pull request"],
            status: "422",
          },
        ];
      }
      const refusal = this.refuseReview(review.comments ?? []);
      if (refusal)
        return [422, { message: "Unprocessable Entity", errors: [refusal], status: "422" }];
      const reviewId = id();
      const comments = (review.comments ?? []).map((c) => ({
        ...c,
        id: id(),
        pull_request_review_id: reviewId,
      }));
      const state = review.event ? REVIEW_STATE[review.event]! : "PENDING";
      this.reviews.push({
        id: reviewId,
        pullNumber,
        body: review.body ?? "",
        event: review.event,
        commit_id: review.commit_id,
        comments,
        state,
      });
      return [200, { id: reviewId, body: review.body ?? "", state }];
    });
    route("DELETE", new RegExp(`^${repoPath}/pulls/\\d+/reviews/\\d+$`), (path) => {
      record("DELETE", path, null);
      const reviewId = Number(path.split("/").pop());
      const index = this.reviews.findIndex((r) => r.id === reviewId && r.state === "PENDING");
      if (index < 0) return [422, { message: "Can not delete a non-pending pull request review" }];
      const [removed] = this.reviews.splice(index, 1);
      return [200, { id: removed!.id }];
    });
    route("GET", new RegExp(`^${repoPath}/pulls/\\d+/reviews(\\?|$)`), (path) => {
      record("GET", path, null);
      // GitHub lists a pending review to its author only; every review here is the App's.
      const pullNumber = Number(/pulls\/(\d+)\/reviews/.exec(path)![1]);
      return [
        200,
        this.reviews
          .filter((r) => r.pullNumber === pullNumber)
          .map((r) => ({
            id: r.id,
            body: r.body,
            state: r.state,
            commit_id: r.commit_id,
            user: { login: `${this.slug}[bot]`, type: "Bot" },
          })),
      ];
    });
    route("GET", new RegExp(`^${repoPath}/pulls/\\d+/reviews/\\d+/comments`), (path) => {
      record("GET", path, null);
      const reviewId = Number(/reviews\/(\d+)\/comments/.exec(path)![1]);
      return [200, this.reviews.find((r) => r.id === reviewId)?.comments ?? []];
    });
    route("GET", new RegExp(`^${repoPath}/issues/\\d+/comments`), (path) => {
      record("GET", path, null);
      return [200, this.issueComments];
    });
    route("POST", new RegExp(`^${repoPath}/issues/\\d+/comments$`), (path, body) => {
      const status = 201;
      record("POST", path, body);
      const comment = {
        id: id(),
        body: (body as { body: string }).body,
        user: { login: `${this.slug}[bot]`, type: "Bot" },
      };
      this.issueComments.push(comment);
      return [status, comment];
    });
    route("PATCH", new RegExp(`^${repoPath}/issues/comments/\\d+$`), (path, body) => {
      record("PATCH", path, body);
      const comment = this.issueComments.find((c) => c.id === Number(path.split("/").pop()));
      if (!comment) return [404, { message: "Not Found" }];
      comment.body = (body as { body: string }).body;
      return [200, comment];
    });
    route("POST", new RegExp(`^${repoPath}/issues/comments/\\d+/reactions$`), (path, body) => {
      const status = 201;
      record("POST", path, body);
      const commentId = Number(/comments\/(\d+)\/reactions/.exec(path)![1]);
      this.reactions.push({ commentId, content: (body as { content: string }).content });
      return [status, { id: id(), content: (body as { content: string }).content }];
    });
    route("GET", new RegExp(`^${repoPath}$`), (path) => {
      record("GET", path, null);
      return [
        200,
        {
          id: this.repositoryId,
          name: this.repo,
          full_name: `${this.owner}/${this.repo}`,
          owner: { login: this.owner },
          default_branch: this.defaultBranch,
          private: false,
        },
      ];
    });
    route("GET", new RegExp(`^${repoPath}/branches/[^/?]+`), (path) => {
      record("GET", path, null);
      const branch = decodeURIComponent(/branches\/([^/?]+)/.exec(path)![1]!);
      if (branch !== this.defaultBranch || this.branchHead === null) {
        return [404, { message: "Branch not found" }];
      }
      return [200, { name: branch, commit: { sha: this.branchHead } }];
    });
    route("GET", new RegExp(`^${repoPath}/tarball/`), (path) => {
      record("GET", path, null);
      const ref = decodeURIComponent(/tarball\/([^?]+)/.exec(path)![1]!);
      const archive = this.tarballs.get(ref);
      if (!archive) return [404, { message: "Not Found" }];
      return [200, archive, { "content-type": "application/x-gzip" }];
    });
    // The git trees API, recursive, built from `contents`: every file at that sha as a blob.
    route("GET", new RegExp(`^${repoPath}/git/trees/[^/?]+`), (path) => {
      record("GET", path, null);
      const url = new URL(`https://x${path}`);
      const sha = decodeURIComponent(url.pathname.split("/").pop()!);
      const tree = [...this.contents.entries()]
        .filter(([key, entry]) => key.startsWith(`${sha}:`) && entry !== "submodule")
        .map(([key, entry]) => {
          const filePath = key.slice(sha.length + 1);
          return {
            path: filePath,
            mode: entry === "symlink" ? "120000" : "100644",
            type: "blob",
            sha: createHash("sha1").update(key).digest("hex"),
            size: Buffer.isBuffer(entry) ? entry.length : 0,
            url: `${this.baseUrl}${repoPath}/git/blobs/${createHash("sha1").update(key).digest("hex")}`,
          };
        });
      return [200, { sha, url: `${this.baseUrl}${path}`, tree, truncated: false }];
    });
    route("GET", new RegExp(`^${repoPath}/contents/`), (path) => {
      record("GET", path, null);
      const url = new URL(`https://x${path}`);
      const filePath = decodeURIComponent(url.pathname.replace(`${repoPath}/contents/`, ""));
      const entry = this.contents.get(`${url.searchParams.get("ref")}:${filePath}`);
      if (entry === undefined) return [404, { message: "Not Found" }];
      if (entry === "symlink" || entry === "submodule") {
        return [200, { type: entry, path: filePath, size: 0 }];
      }
      return [
        200,
        {
          type: "file",
          path: filePath,
          size: entry.length,
          encoding: "base64",
          content: entry.toString("base64"),
        },
      ];
    });
    route("GET", new RegExp(`^${repoPath}/collaborators/[^/]+/permission$`), (path) => {
      record("GET", path, null);
      const login = decodeURIComponent(path.split("/").slice(-2)[0]!);
      const role = this.permissions.get(login) ?? "read";
      const permission = role === "maintain" ? "write" : role === "triage" ? "read" : role;
      return [200, { permission, role_name: role, user: { login } }];
    });
    // Team memory: reactions on review comments, review threads and replies in them.
    route("GET", new RegExp(`^${repoPath}/pulls/comments/\\d+/reactions$`), (path) => {
      record("GET", path, null);
      const commentId = Number(/comments\/(\d+)\/reactions/.exec(path)![1]);
      return [
        200,
        (this.reviewCommentReactions.get(commentId) ?? []).map((r) => ({ id: id(), ...r })),
      ];
    });
    route("GET", new RegExp(`^${repoPath}/pulls/\\d+/comments$`), (path) => {
      record("GET", path, null);
      const posted = this.reviews
        .filter((r) => r.state !== "PENDING")
        .flatMap((r) => r.comments)
        .map((c) => ({ ...c, user: { login: `${this.slug}[bot]`, type: "Bot" } }));
      return [200, [...posted, ...this.threadComments]];
    });
    route("POST", new RegExp(`^${repoPath}/pulls/\\d+/comments/\\d+/replies$`), (path, body) => {
      record("POST", path, body);
      const rootId = Number(/comments\/(\d+)\/replies/.exec(path)![1]);
      const comment = {
        id: id(),
        body: (body as { body: string }).body,
        in_reply_to_id: rootId,
        user: { login: `${this.slug}[bot]`, type: "Bot" },
      };
      this.threadComments.push(comment);
      return [201, comment];
    });
  }
}

/** The state GitHub gives a review submitted with each event. */
const REVIEW_STATE: Record<string, string> = {
  APPROVE: "APPROVED",
  REQUEST_CHANGES: "CHANGES_REQUESTED",
  COMMENT: "COMMENTED",
};

/** GitHub's refusal of a body over its length limits, or null. */
function tooLong(path: string, body: unknown): string | null {
  if (body === null || typeof body !== "object") return null;
  const texts: [string, string | undefined, number][] = [];
  const {
    body: text,
    comments,
    output,
  } = body as {
    body?: string;
    comments?: { body?: string }[];
    output?: { summary?: string; text?: string };
  };
  texts.push(["body", text, GITHUB_BODY_LIMIT]);
  for (const [i, comment] of (comments ?? []).entries()) {
    texts.push([`comments[${i}].body`, comment.body, GITHUB_BODY_LIMIT]);
  }
  if (path.includes("/check-runs")) {
    texts.push(["output.summary", output?.summary, CHECK_RUN_TEXT_LIMIT]);
    texts.push(["output.text", output?.text, CHECK_RUN_TEXT_LIMIT]);
  }
  const over = texts.find(([, value, limit]) => typeof value === "string" && value.length > limit);
  return over ? `${over[0]} is too long (maximum is ${over[2]} characters)` : null;
}

function parseBody(body: unknown): unknown {
  if (typeof body !== "string") return body ?? null;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}
