import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from './http.mjs';
import { NODE, ROOT, RESULTS } from './paths.mjs';

/** The built app; BENCH_MAIN points at another build (A/B experiments). */
export const MAIN = process.env.BENCH_MAIN ?? join(ROOT, 'bench', '.build', 'apps', 'api', 'src', 'main.js');
export const EXPRESS_MAIN = join(ROOT, 'bench', 'lib', 'express-main.cjs');
const PROBE = join(ROOT, 'bench', 'lib', 'probe.cjs');

/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat (100 on Linux). */
const CLOCK_TICKS = 100;

/** Random per run: production start-up refuses secrets that look like placeholders. */
export const APP_SECRET = randomBytes(32).toString('base64url');

/** Servers still running: killed if the bench process exits without stopping them (a failure, a timeout). */
const live = new Set();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts the built app as its own process (as `node dist/apps/api/src/main.js` runs it), with the bench
 * probe preloaded. Only the variables given here reach it: nothing leaks from the caller's shell.
 */
export async function startServer({ name, env, entry = MAIN, nodeArgs = [] }) {
  const port = await freePort();
  const logPath = join(RESULTS, `server-${name}.log`);
  const log = createWriteStream(logPath);
  await new Promise((resolve) => log.on('open', resolve));
  const childEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: process.env.LANG ?? 'C.UTF-8',
    NODE_ENV: 'production',
    BENCH_PROBE: '1',
    PORT: String(port),
    APP_SECRET,
    LOG_LEVEL: 'info',
    SEED_DEMO: 'false',
    PUBLIC_URL: 'http://custodian.bench',
    ...env,
  };
  const child = spawn(NODE, ['--expose-gc', ...nodeArgs, '--require', PROBE, entry], {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', log, 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
    if (stderr.length > 20000) stderr = stderr.slice(-20000);
  });
  live.add(child);
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
    live.delete(child);
  });

  const pending = new Map();
  let nextId = 1;
  child.on('message', (message) => {
    const waiter = pending.get(message?.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(message.error));
    else waiter.resolve(message.result);
  });

  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exited) throw new Error(`server ${name} exited during start-up (${JSON.stringify(exited)}): ${stderr.trim()}\nlog: ${logPath}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server ${name} did not become ready within 90 s: ${stderr.trim()}\nlog: ${logPath}`);
    }
    try {
      const ready = await request(base, 'GET', '/api/health/ready');
      if (ready.status === 200) break;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }

  return {
    name,
    base,
    port,
    pid: child.pid,
    env: childEnv,
    logPath,
    probe(cmd, args = {}) {
      if (exited) return Promise.reject(new Error(`server ${name} has exited`));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ id, cmd, ...args });
      });
    },
    /** Resident set size from /proc (no cooperation from the process needed). */
    rss() {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) * 1024;
      } catch {
        return NaN;
      }
    },
    /** CPU time in ms (user + system) of the whole process and of its main (event-loop) thread, from /proc. */
    cpu() {
      const read = (path) => {
        const stat = readFileSync(path, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
      };
      try {
        return { process: read(`/proc/${child.pid}/stat`), main: read(`/proc/${child.pid}/task/${child.pid}/stat`) };
      } catch {
        return { process: NaN, main: NaN };
      }
    },
    get stderr() {
      return stderr;
    },
    async stop() {
      if (exited) return;
      const done = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await done;
      clearTimeout(timer);
      log.end();
    },
  };
}

/** Samples a server's RSS every `intervalMs` until stopped; keeps the peak and every sample. */
export function rssSampler(server, intervalMs = 250) {
  const samples = [];
  const started = Date.now();
  const take = () => {
    const rss = server.rss();
    if (Number.isFinite(rss)) samples.push([(Date.now() - started) / 1000, rss]);
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    samples,
    stop() {
      clearInterval(timer);
      take();
      return { peak: Math.max(...samples.map(([, rss]) => rss)), samples };
    },
  };
}
