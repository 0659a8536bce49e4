// Work over many items a few at a time (deleting segments, the keys of a
// DeleteObjects): enough at once to hide Swift's latency, few enough to spare it.

/** Runs `fn` on every item, at most `concurrency` at a time, in order of start. */
export async function forEachConcurrently<T>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
