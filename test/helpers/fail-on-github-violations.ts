import { afterEach } from "vitest";
import { liveFakes } from "./fake-github.ts";

/**
 * Fails the test during which a fake of GitHub saw a request GitHub would refuse or the fake does
 * not serve (see FakeGitHub). Revue often treats an error answer as "nothing there" and carries
 * on, so the answer alone would not fail the test; this does. A test that misuses GitHub on
 * purpose sets `expectViolations` and asserts the list itself.
 */
afterEach(() => {
  const problems = [...liveFakes]
    .filter((fake) => !fake.expectViolations)
    .flatMap((fake) => fake.violations.splice(0));
  if (problems.length > 0) {
    throw new Error(
      `Requests GitHub would refuse or the fake does not serve:\n${problems.join("\n")}`,
    );
  }
});
