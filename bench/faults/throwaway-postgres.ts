import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "../../test/helpers/spawn-revue.ts";

/** Where PostgreSQL's programs are (FAULTS_PG_BIN, else Debian's place for version 15). */
const PG_BIN = process.env.FAULTS_PG_BIN ?? "/usr/lib/postgresql/15/bin";

/**
 * A PostgreSQL server of the harness's own (initdb into a temporary folder, another port, trust
 * authentication), so a scenario can stop, freeze and restart it; never the shared server.
 * PostgreSQL refuses to run as root: when the harness is root the server runs as the `postgres`
 * user (FAULTS_PG_USER). The server must have pgvector installed.
 */
export async function startThrowawayPostgres() {
  const dataDir = mkdtempSync(path.join(tmpdir(), "faults-pg-"));
  const port = await freePort();
  const asUser = process.getuid?.() === 0 ? (process.env.FAULTS_PG_USER ?? "postgres") : null;
  const ids = asUser ? userIds(asUser) : null;
  if (ids) chownSync(dataDir, ids.uid, ids.gid);
  const command = (program: string, args: string[]): [string, string[]] =>
    ids
      ? [
          "setpriv",
          [
            `--reuid=${ids.uid}`,
            `--regid=${ids.gid}`,
            "--clear-groups",
            path.join(PG_BIN, program),
            ...args,
          ],
        ]
      : [path.join(PG_BIN, program), args];

  const [initdb, initArgs] = command("initdb", [
    "-D",
    dataDir,
    "-U",
    "postgres",
    "--auth=trust",
    "--no-sync",
  ]);
  const made = spawnSync(initdb, initArgs, { encoding: "utf8" });
  if (made.status !== 0) throw new Error(`initdb failed: ${made.stderr}`);

  let server: ChildProcess | undefined;
  let log = "";
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const start = async () => {
    const [postgres, args] = command("postgres", [
      "-D",
      dataDir,
      "-p",
      String(port),
      "-k",
      dataDir,
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "fsync=off",
      "-c",
      "max_connections=200",
    ]);
    server = spawn(postgres, args, { stdio: ["ignore", "pipe", "pipe"] });
    server.stdout!.on("data", (chunk) => (log += chunk));
    server.stderr!.on("data", (chunk) => (log += chunk));
    const deadline = Date.now() + 30_000;
    for (;;) {
      const client = new pg.Client({ connectionString: url });
      try {
        await client.connect();
        await client.end();
        return;
      } catch {
        if (Date.now() > deadline)
          throw new Error(`the throwaway PostgreSQL did not start:\n${log}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  };
  /** Fast shutdown (SIGINT): sessions are ended, the server exits. */
  const stop = async () => {
    const running = server;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill("SIGINT");
    await exited;
  };
  /** The server's own processes (the postmaster and its children), by pid. */
  const serverPids = (): number[] => {
    if (!server?.pid) return [];
    const children = readFileSync(`/proc/${server.pid}/task/${server.pid}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
    return [server.pid, ...children];
  };

  let frozen: number[] = [];
  const thaw = () => {
    frozen.forEach((pid) => signal(pid, "SIGCONT"));
    frozen = [];
  };

  await start();
  return {
    /** Connects as the superuser to the `postgres` database. */
    url,
    start,
    stop,
    /** Freezes (SIGSTOP) every process of the server: a hung database. */
    freeze: () => {
      frozen = serverPids();
      frozen.forEach((pid) => signal(pid, "SIGSTOP"));
    },
    /** Thaws (SIGCONT) what `freeze` froze. */
    thaw: thaw,
    /** Ends every client session (pg_terminate_backend): connections reset. */
    terminateSessions: async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()",
      );
      await client.end();
    },
    destroy: async () => {
      thaw();
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function userIds(user: string): { uid: number; gid: number } {
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((entry) => entry.startsWith(`${user}:`));
  if (!line) throw new Error(`no user ${user} to run PostgreSQL as: set FAULTS_PG_USER`);
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

/** Sends `name` to `pid`; a process that has exited meanwhile is no error. */
function signal(pid: number, name: NodeJS.Signals) {
  try {
    process.kill(pid, name);
  } catch {
    // gone already
  }
}
