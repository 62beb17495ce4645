import { afterEach, describe, expect, it, vi } from "vitest";
import { withTimeout } from "../../src/app/with-timeout.ts";

describe("withTimeout", () => {
  afterEach(() => vi.useRealTimers());

  it("gives the promise's value and leaves no timer behind", async () => {
    vi.useFakeTimers();

    await expect(withTimeout(Promise.resolve(7), 1000)).resolves.toBe(7);
    await expect(withTimeout(Promise.reject(new Error("own")), 1000)).rejects.toThrow("own");
    expect(vi.getTimerCount()).toBe(0);
  });

  it("rejects with the given error once the time is up, or says how long it waited", async () => {
    vi.useFakeTimers();
    const never = new Promise<never>(() => {});

    const given = withTimeout(never, 500, () => new Error("too slow"));
    const plain = withTimeout(never, 250);
    const settled = Promise.allSettled([given, plain]);
    await vi.advanceTimersByTimeAsync(499);
    let done = false;
    void settled.then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);

    const [a, b] = await settled;
    expect(a).toMatchObject({ status: "rejected", reason: new Error("too slow") });
    expect(b).toMatchObject({ status: "rejected", reason: new Error("no answer within 250 ms") });
  });
});
