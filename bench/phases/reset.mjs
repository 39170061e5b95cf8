import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { availableParallelism } from 'node:os';
import { request } from '../lib/http.mjs';
import { reset } from '../lib/app.mjs';
import { median, percentile, round } from '../lib/stats.mjs';

/**
 * 1. Reset overhead. The hash is timed inside the server process (bench probe, the app's own bcrypt module,
 * the configured cost), interleaved with sequential resets so both see the same machine load.
 */
export async function resetPhase({ server, admins, targets, cost, samples, log }) {
  const nextTarget = () => {
    const id = targets.pop();
    if (!id) throw new Error('out of reset targets');
    return id;
  };
  const info = await server.probe('info');
  const usableCores = Math.min(availableParallelism(), Number(info.uvThreadpoolSize) || 4);

  // Warm-up: JIT, connection pool, prepared paths.
  await server.probe('hash', { cost, count: 1 });
  for (let i = 0; i < 2; i++) await reset(server.base, admins[0].token, nextTarget());

  const hashTimes = [];
  const resetTimes = [];
  for (let i = 0; i < samples; i++) {
    const { times } = await server.probe('hash', { cost, count: 1 });
    hashTimes.push(times[0]);
    resetTimes.push((await reset(server.base, admins[0].token, nextTarget())).ms);
  }
  const hashMs = median(hashTimes);
  const resetMs = median(resetTimes);
  log(`  sequential: hash p50 ${round(hashMs)} ms, reset p50 ${round(resetMs)} ms over ${samples} pairs`);

  const concurrent = {};
  for (const [concurrency, perAdmin] of [[4, 6], [16, 2]]) {
    const group = admins.slice(0, concurrency);
    const latencies = [];
    const started = performance.now();
    await Promise.all(
      group.map(async (admin) => {
        for (let i = 0; i < perAdmin; i++) latencies.push((await reset(server.base, admin.token, nextTarget())).ms);
      }),
    );
    const wallMs = performance.now() - started;
    const perSecond = (latencies.length / wallMs) * 1000;
    // The bcrypt-only ceiling of the same process right after, at the same concurrency: what the machine gave.
    const ceiling = await server.probe('hash-parallel', { cost, total: Math.max(8, concurrency), concurrency });
    concurrent[concurrency] = { resets: latencies.length, wallMs, perSecond, p50: median(latencies), p95: percentile(latencies, 95), ceilingPerSecond: ceiling.perSecond };
    log(`  ${concurrency} admins: ${latencies.length} resets in ${round(wallMs / 1000, 2)} s = ${round(perSecond, 2)}/s (bcrypt-only ceiling ${round(ceiling.perSecond, 2)}/s), p50 ${round(median(latencies))} ms`);
  }

  // Event-loop delay while 20 resets run at once (20 distinct admins): in-server histogram, and
  // GET /api/health round trips every 20 ms as a client-side proxy.
  await sleep(500);
  await server.probe('lag-reset');
  const healthTimes = [];
  let probing = true;
  const prober = (async () => {
    while (probing) {
      healthTimes.push((await request(server.base, 'GET', '/api/health')).ms);
      await sleep(20);
    }
  })();
  const started = performance.now();
  await Promise.all(admins.slice(0, 20).map((admin) => reset(server.base, admin.token, nextTarget())));
  const burstMs = performance.now() - started;
  probing = false;
  await prober;
  const lag = await server.probe('lag-read');
  log(`  20 at once: ${round(burstMs)} ms; event-loop delay p99 ${round(lag.p99, 2)} ms (max ${round(lag.max, 2)}), /health RTT p99 ${round(percentile(healthTimes, 99), 2)} ms`);

  return {
    usableCores,
    uvThreadpoolSize: info.uvThreadpoolSize,
    hashMs,
    resetMs,
    hashTimes,
    resetTimes,
    ratio: resetMs / hashMs,
    concurrent,
    expectedPerSecond: (usableCores / hashMs) * 1000,
    lag,
    burstMs,
    healthRtt: { p50: median(healthTimes), p99: percentile(healthTimes, 99), count: healthTimes.length },
  };
}
