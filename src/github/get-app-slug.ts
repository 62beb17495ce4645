import type { Probot } from "probot";

const slugs = new WeakMap<Probot, Promise<string>>();

/**
 * The App's slug as GitHub named it (`revue` unless taken), read once per process from `GET /app`
 * and cached: commands are `@<slug> ...` and the bot's login is `<slug>[bot]`.
 */
export function getAppSlug(probot: Probot): Promise<string> {
  let slug = slugs.get(probot);
  if (!slug) {
    slug = (async () => {
      const octokit = await probot.auth();
      const { data } = await octokit.rest.apps.getAuthenticated();
      if (!data?.slug) throw new Error("GET /app returned no slug");
      return data.slug;
    })();
    slug.catch(() => slugs.delete(probot));
    slugs.set(probot, slug);
  }
  return slug;
}
