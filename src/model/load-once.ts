/**
 * `load` run at the first call, its promise kept for every later one. The model clients import
 * their provider's SDK this way, at the first request: an idle server never loads them (the four
 * SDKs and their AWS and Google dependencies held 13-17 MiB of an idle server's resident memory,
 * 32 MiB when imported alone). A failed load is not retried: a module that does not import now
 * will not import later.
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load());
}
