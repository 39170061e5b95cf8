import { availableParallelism } from 'node:os';

/** The process environment, read here and nowhere else (start-up passes it to `loadConfig`). */
export function readEnvironment(): Record<string, string | undefined> {
  return { ...process.env };
}

/**
 * bcrypt runs on libuv's thread pool. Sized on purpose before the pool starts: one thread per core for
 * hashing plus headroom so file and DNS work never queues behind a hash. An explicit UV_THREADPOOL_SIZE wins.
 */
export function sizeThreadPool(): number {
  process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, availableParallelism() + 2));
  return Number(process.env.UV_THREADPOOL_SIZE);
}
