import { readdirSync, readFileSync, stat } from 'node:fs';
import { availableParallelism, setPriority } from 'node:os';

/** The process environment, read here and nowhere else (start-up passes it to `loadConfig`). */
export function readEnvironment(): Record<string, string | undefined> {
  return { ...process.env };
}

/**
 * bcrypt runs on libuv's thread pool. Sized on purpose before the pool starts: one thread per core for
 * hashing plus headroom so file and DNS work never queues behind a hash. An explicit UV_THREADPOOL_SIZE wins.
 * The pool's threads also yield the CPU to the event loop (see `lowerThreadPoolPriority`).
 */
export function sizeThreadPool(): number {
  process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, availableParallelism() + 2));
  lowerThreadPoolPriority();
  return Number(process.env.UV_THREADPOOL_SIZE);
}

/** Niceness of libuv's worker threads; the event-loop thread stays at the process's own. */
export const THREAD_POOL_NICENESS = 10;

/**
 * While resets run, bcrypt keeps every pool thread busy; at equal priority the event-loop thread waits its
 * turn for a core behind them, and every request waits with it (bench/: event-loop delay p99 ~38 ms with
 * 20 resets in flight on 2 cores, ~13 ms with the workers at nice 10, reset throughput unchanged). Linux
 * only: the first job submitted starts all of libuv's workers at once, their name tells them apart, and
 * setpriority on a thread id changes that thread alone. Elsewhere, or if /proc is unreadable, nothing changes.
 */
function lowerThreadPoolPriority(): void {
  if (process.platform !== 'linux') return;
  stat(__filename, () => {
    try {
      for (const tid of readdirSync('/proc/self/task')) {
        if (readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim() === 'libuv-worker') setPriority(Number(tid), THREAD_POOL_NICENESS);
      }
    } catch {
      // Best effort: priorities are an optimisation, never a reason not to start.
    }
  });
}
