import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT } from '../lib/paths.mjs';
import { request } from '../lib/http.mjs';
import { reset } from '../lib/app.mjs';
import { slope, round, mb } from '../lib/stats.mjs';

const require = createRequire(`${ROOT}/package.json`);
const autocannon = require('autocannon');

/**
 * 5. Soak: for `seconds`, a steady mix — GET /api/auth/me at 200 req/s, a user-list search every 100 ms,
 * a password reset every 5 s. RSS every 2 s (from /proc), heap after a full GC every 15 s (probe). The
 * slopes are fitted over the samples after the first quarter (warm-up excluded).
 */
export async function soakPhase({ server, admins, targets, seconds, log }) {
  const token = admins[0].token;
  const started = Date.now();
  const elapsed = () => (Date.now() - started) / 1000;
  const rss = [];
  const heap = [];
  let running = true;
  let errors = 0;
  let resets = 0;
  let lists = 0;

  const me = autocannon({ url: `${server.base}/api/auth/me`, headers: { authorization: `Bearer ${token}` }, connections: 4, overallRate: 200, duration: seconds });
  const rssTimer = setInterval(() => rss.push([elapsed(), server.rss()]), 2000);
  const heapLoop = (async () => {
    while (running) {
      const m = await server.probe('mem', { gc: true });
      heap.push([elapsed(), m.heapUsed]);
      await sleep(15_000);
    }
  })();
  const listLoop = (async () => {
    const terms = ['fatima', 'omar', 'example', 'haddad', 'ali', 'smith', 'king', 'sara'];
    while (running) {
      const r = await request(server.base, 'GET', `/api/users?search=${terms[lists % terms.length]}`, { token: admins[1].token });
      if (r.status !== 200) errors += 1;
      lists += 1;
      await sleep(100);
    }
  })();
  const resetLoop = (async () => {
    while (running) {
      const target = targets.pop();
      if (!target) break;
      try {
        await reset(server.base, admins[2 + (resets % 10)].token, target);
      } catch {
        errors += 1;
      }
      resets += 1;
      await sleep(5000);
    }
  })();

  const meResult = await me;
  running = false;
  clearInterval(rssTimer);
  await Promise.all([listLoop, resetLoop, heapLoop]);
  rss.push([elapsed(), server.rss()]);
  const finalHeap = await server.probe('mem', { gc: true });
  heap.push([elapsed(), finalHeap.heapUsed]);

  const settled = (points) => points.filter(([t]) => t >= seconds / 4);
  const perMinute = (points) => slope(settled(points)) * 60;
  const result = {
    seconds,
    requests: meResult.requests.total + lists + resets,
    errors: errors + meResult.non2xx + meResult.errors,
    rssStart: rss[0]?.[1],
    rssEnd: rss.at(-1)?.[1],
    rssPeak: Math.max(...rss.map(([, v]) => v)),
    rssSlopeMbPerMin: perMinute(rss) / 1024 / 1024,
    heapSlopeMbPerMin: perMinute(heap) / 1024 / 1024,
    heapStart: heap[0]?.[1],
    heapEnd: heap.at(-1)?.[1],
    rssSamples: rss,
  };
  log(`  ${seconds} s, ${result.requests} requests (${resets} resets), ${result.errors} errors; RSS ${mb(result.rssStart)} → ${mb(result.rssEnd)} MB (slope ${round(result.rssSlopeMbPerMin, 2)} MB/min), heap after GC ${mb(result.heapStart)} → ${mb(result.heapEnd)} MB (slope ${round(result.heapSlopeMbPerMin, 2)} MB/min)`);
  return result;
}
