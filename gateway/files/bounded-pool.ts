// At most `limit` tasks running at once: add() waits while the pool is full. The first failure is
// kept and rethrown by add() and throwIfFailed(); settled() waits for every task started.
export interface BoundedPool {
  add: (task: () => Promise<void>) => Promise<void>;
  settled: () => Promise<void>;
  throwIfFailed: () => void;
}

export function boundedPool(limit: number): BoundedPool {
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  const throwIfFailed = () => {
    if (failure) throw failure.error;
  };
  return {
    async add(task) {
      throwIfFailed();
      const run: Promise<void> = task()
        .catch((error: unknown) => {
          failure ??= { error };
        })
        .finally(() => running.delete(run));
      running.add(run);
      while (running.size >= limit) await Promise.race(running);
      throwIfFailed();
    },
    async settled() {
      await Promise.all(running);
    },
    throwIfFailed,
  };
}
