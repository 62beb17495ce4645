import nock from "nock";
import { afterEach, beforeEach } from "vitest";
import { FakeGitHub } from "./fake-github.ts";
import { createHarness, type Harness, type HarnessOptions } from "./revue-harness.ts";
import type { Backend } from "./test-database.ts";

export type UseHarnessOptions = HarnessOptions & {
  /** Environment on top of the harness's test defaults (see createHarness). */
  env?: Record<string, string>;
};

export type HarnessAccessors = {
  /** The running harness of the current test. Throws outside a test (before beforeEach ran). */
  harness: () => Harness;
  /** The current test's FakeGitHub, fresh and installed on api.github.com. Throws outside a test. */
  github: () => FakeGitHub;
  /**
   * Closes the current test's harness and starts another, with `env` over the file's env, on a
   * fresh database. The FakeGitHub and the nock setup stay. Returns the new harness.
   */
  restart: (env: Record<string, string>) => Promise<Harness>;
};

/**
 * The setup every webhook test file shares, as vitest hooks of the enclosing `describe`. Before
 * each test: no network but 127.0.0.1 (the harness's own server and the test database), a harness
 * on `backend`, and a fresh FakeGitHub installed. After each test: the harness closed, every nock
 * interceptor removed and the network allowed again, even when closing fails or beforeEach did
 * (its own error is the one reported).
 *
 * A file seeds its fake, its database or starts the workers in a `beforeEach` of its own,
 * registered after this call, so it runs after these hooks.
 */
export function useHarness(backend: Backend, options: UseHarnessOptions = {}): HarnessAccessors {
  const { env = {}, ...harnessOptions } = options;
  let harness: Harness | undefined;
  let github: FakeGitHub | undefined;

  beforeEach(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    harness = await createHarness(backend, env, harnessOptions);
    github = new FakeGitHub();
    github.install();
  });

  afterEach(async () => {
    const closing = harness;
    harness = github = undefined;
    try {
      await closing?.close();
    } finally {
      nock.cleanAll();
      nock.enableNetConnect();
    }
  });

  return {
    harness: () => harness ?? notInTest("harness"),
    github: () => github ?? notInTest("github"),
    restart: async (overrides) => {
      const closing = harness ?? notInTest("restart");
      harness = undefined;
      await closing.close();
      harness = await createHarness(backend, { ...env, ...overrides }, harnessOptions);
      return harness;
    },
  };
}

function notInTest(name: string): never {
  throw new Error(
    `useHarness: ${name}() is only available inside a test, after its beforeEach has run`,
  );
}
