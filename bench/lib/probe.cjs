'use strict';
/**
 * Bench-only preload (`node --require bench/lib/probe.cjs …main.js`), active only with BENCH_PROBE=1 and an
 * IPC channel. It answers the bench over IPC from inside the server process: event-loop delay
 * (perf_hooks.monitorEventLoopDelay), memory, and bcrypt timings with the very bcrypt module the app loads.
 * It starts nothing on libuv's thread pool before the app has sized it.
 */
const { monitorEventLoopDelay, performance } = require('node:perf_hooks');

if (process.env.BENCH_PROBE === '1' && typeof process.send === 'function') {
  const RESOLUTION_MS = 5;
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  const ms = (ns) => ns / 1e6;
  let bcrypt;
  let profiler;
  const loadBcrypt = () => (bcrypt ??= require(require.resolve('bcrypt', { paths: [process.cwd()] })));

  const handlers = {
    'lag-reset': () => {
      histogram.reset();
      return {};
    },
    // The histogram records the interval between timer ticks; the delay is that minus the resolution.
    'lag-read': () => ({
      resolutionMs: RESOLUTION_MS,
      count: histogram.count,
      p50: Math.max(0, ms(histogram.percentile(50)) - RESOLUTION_MS),
      p99: Math.max(0, ms(histogram.percentile(99)) - RESOLUTION_MS),
      max: Math.max(0, ms(histogram.max) - RESOLUTION_MS),
    }),
    mem: ({ gc }) => {
      if (gc && typeof global.gc === 'function') global.gc();
      return process.memoryUsage();
    },
    /** A CPU profile of a window of the run (for investigations: BENCH_PROFILE=1 in phases that use it). */
    'profile-start': async () => {
      const inspector = require('node:inspector/promises');
      profiler = new inspector.Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.setSamplingInterval', { interval: 500 });
      await profiler.post('Profiler.start');
      return {};
    },
    'profile-stop': async ({ path }) => {
      const { profile } = await profiler.post('Profiler.stop');
      profiler.disconnect();
      profiler = undefined;
      require('node:fs').writeFileSync(path, JSON.stringify(profile));
      return { path };
    },
    /** Experiment: lower the scheduling priority of libuv's worker threads (Linux: setpriority on a tid). */
    'renice-workers': ({ niceness }) => {
      const fs = require('node:fs');
      const os = require('node:os');
      const tids = fs.readdirSync('/proc/self/task').filter((tid) => fs.readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim() === 'libuv-worker');
      for (const tid of tids) os.setPriority(Number(tid), niceness);
      return { tids };
    },
    info: () => ({ uvThreadpoolSize: process.env.UV_THREADPOOL_SIZE ?? null, node: process.version, pid: process.pid }),
    /** `count` hashes one after another at `cost`; the time of each, in ms. */
    hash: async ({ cost, count = 1 }) => {
      const b = loadBcrypt();
      const times = [];
      for (let i = 0; i < count; i++) {
        const started = performance.now();
        await b.hash(`bench-${i}-${Math.random()}`, cost);
        times.push(performance.now() - started);
      }
      return { times };
    },
    /** `total` hashes at `cost`, `concurrency` at a time: the bcrypt-only ceiling of this process. */
    'hash-parallel': async ({ cost, total, concurrency }) => {
      const b = loadBcrypt();
      let next = 0;
      const started = performance.now();
      const worker = async () => {
        while (next < total) {
          next += 1;
          await b.hash(`bench-${next}-${Math.random()}`, cost);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      const wallMs = performance.now() - started;
      return { wallMs, perSecond: (total / wallMs) * 1000 };
    },
  };

  process.on('message', async (message) => {
    if (!message || typeof message.cmd !== 'string') return;
    try {
      const handler = handlers[message.cmd];
      if (!handler) throw new Error(`unknown probe command ${message.cmd}`);
      process.send({ id: message.id, result: await handler(message) });
    } catch (error) {
      process.send({ id: message.id, error: String(error && error.message ? error.message : error) });
    }
  });
  // The channel must not keep the process alive once the app has closed.
  process.channel.unref();
}
