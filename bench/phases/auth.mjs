import { createRequire } from 'node:module';
import { ROOT } from '../lib/paths.mjs';
import { median, round } from '../lib/stats.mjs';

const require = createRequire(`${ROOT}/package.json`);
const autocannon = require('autocannon');

async function cannon(options) {
  const result = await autocannon({ connections: 10, pipelining: 1, ...options });
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0) throw new Error(`autocannon ${options.url}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  return result;
}

/**
 * 2. Authenticated request overhead: GET /api/health and GET /api/auth/me on one server, the same 10
 * connections, alternating rounds at full speed; then /api/auth/me at a fixed 1,000 req/s (overallRate;
 * latencies corrected for coordinated omission).
 */
export async function authPhase({ server, token, rounds, seconds, rateSeconds, log }) {
  const headers = { authorization: `Bearer ${token}` };
  const health = `${server.base}/api/health`;
  const me = `${server.base}/api/auth/me`;
  await cannon({ url: me, headers, duration: 2 });
  await cannon({ url: health, duration: 1 });

  // Server CPU per request (whole process and its event-loop thread), from /proc: robust to machine noise.
  const cpuPer = async (options) => {
    const before = server.cpu();
    const result = await cannon(options);
    const after = server.cpu();
    result.cpuPerRequest = { process: (after.process - before.process) / result.requests.total, main: (after.main - before.main) / result.requests.total };
    return result;
  };
  const healthRps = [];
  const healthCpu = [];
  const meCpu = [];
  const meRps = [];
  const ratios = [];
  for (let i = 0; i < rounds; i++) {
    const h = await cpuPer({ url: health, duration: seconds });
    const m = await cpuPer({ url: me, headers, duration: seconds });
    healthCpu.push(h.cpuPerRequest.main);
    meCpu.push(m.cpuPerRequest.main);
    healthRps.push(h.requests.average);
    meRps.push(m.requests.average);
    ratios.push(m.requests.average / h.requests.average);
    log(`  round ${i + 1}: /health ${round(h.requests.average, 0)} req/s (p99 ${h.latency.p99} ms), /auth/me ${round(m.requests.average, 0)} req/s (p99 ${m.latency.p99} ms); event-loop thread CPU per request ${round(h.cpuPerRequest.main, 3)} / ${round(m.cpuPerRequest.main, 3)} ms`);
  }
  const fixed = await cannon({ url: me, headers, duration: rateSeconds, overallRate: 1000 });
  const achieved = fixed.requests.total / rateSeconds;
  log(`  /auth/me at 1,000 req/s: p50 ${fixed.latency.p50} ms, p99 ${fixed.latency.p99} ms, achieved ${round(achieved, 0)} req/s`);
  return {
    healthRps: median(healthRps),
    meRps: median(meRps),
    ratio: median(ratios),
    healthCpuMs: median(healthCpu),
    meCpuMs: median(meCpu),
    fixed: { p50: fixed.latency.p50, p99: fixed.latency.p99, p999: fixed.latency.p99_9, achieved },
  };
}
