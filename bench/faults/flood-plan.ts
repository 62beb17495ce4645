import { headSha } from "./github-stand-in.ts";
import { pullRequestDelivery, type Delivery } from "./deliveries.ts";

/** A delivery of the flood, and what it is: a new push, a repeated delivery id, or a forged one. */
export type PlannedDelivery = {
  kind: "fresh" | "repeat" | "bad";
  delivery: Delivery;
  push: number;
};

/**
 * The flood's deliveries in sending order: `total` over pull requests 1..pulls, of which
 * `repeatShare` repeat an earlier delivery (same id and body, as GitHub's redelivery) and
 * `badShare` carry a signature made with the wrong secret. The rest are pushes: each pull request's
 * first is `opened` at push 0, the next ones `synchronize` to a new head, in order per pull request.
 */
export function planFlood(options: {
  run: string;
  total: number;
  pulls: number;
  repeatShare: number;
  badShare: number;
  secret: string;
  random?: () => number;
}): PlannedDelivery[] {
  const random = options.random ?? Math.random;
  const pick = (n: number) => Math.floor(random() * n);
  const pushes = new Map<number, number>();
  const plan: PlannedDelivery[] = [];
  const fresh: PlannedDelivery[] = [];
  for (let i = 0; i < options.total; i += 1) {
    const roll = random();
    if (roll < options.badShare) {
      const pull = 1 + pick(options.pulls);
      const delivery = pullRequestDelivery(
        `${options.run}-bad-${i}`,
        pull,
        headSha(options.run, pull, 1_000_000 + i),
        "synchronize",
        "not-the-webhook-secret",
      );
      plan.push({ kind: "bad", delivery, push: -1 });
    } else if (roll < options.badShare + options.repeatShare && fresh.length > 0) {
      const earlier = fresh[pick(fresh.length)]!;
      plan.push({ kind: "repeat", delivery: earlier.delivery, push: earlier.push });
    } else {
      const pull = 1 + (fresh.length % options.pulls);
      const push = pushes.get(pull) ?? 0;
      pushes.set(pull, push + 1);
      const delivery = pullRequestDelivery(
        `${options.run}-${i}`,
        pull,
        headSha(options.run, pull, push),
        push === 0 ? "opened" : "synchronize",
        options.secret,
      );
      fresh.push({ kind: "fresh", delivery, push });
      plan.push(fresh.at(-1)!);
    }
  }
  return plan;
}
