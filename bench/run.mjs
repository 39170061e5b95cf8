#!/usr/bin/env node
/**
 * `npm run bench`: builds the API into bench/.build, runs every benchmark of issue 7 (and the audit bench of
 * issue 4 when bench/audit-bench.* exists) against fresh PostgreSQL databases and a real SMTP sink, prints
 * one table and writes it into BENCHMARKS.md. Settings: see SETTINGS below (all BENCH_* variables).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { NODE, RESULTS, ROOT } from './lib/paths.mjs';

// Re-run under the project's Node.js 24 if started with another `node`.
if (Number(process.versions.node.split('.')[0]) < 24 && !process.env.BENCH_REEXEC) {
  const result = spawnSync(NODE, process.argv.slice(1), { stdio: 'inherit', env: { ...process.env, BENCH_REEXEC: '1' } });
  process.exit(result.status ?? 1);
}

const { startServer, rssSampler, EXPRESS_MAIN, MAIN } = await import('./lib/server.mjs');
const { startSmtpSink } = await import('./lib/smtp-sink.mjs');
const { createDatabase, seedAdmins, seedUsers, serverVersion, SERVER_URL } = await import('./lib/db.mjs');
const { login, resetTargets, ADMIN_PASSWORD } = await import('./lib/app.mjs');
const { closeAgent } = await import('./lib/http.mjs');
const { mb, round } = await import('./lib/stats.mjs');
const { resetPhase } = await import('./phases/reset.mjs');
const { authPhase } = await import('./phases/auth.mjs');
const { listUsersPhase } = await import('./phases/list-users.mjs');
const { emailPhase } = await import('./phases/email.mjs');
const { soakPhase } = await import('./phases/soak.mjs');

const require = createRequire(`${ROOT}/package.json`);
const bcrypt = require('bcrypt');

const num = (name, fallback) => (process.env[name] ? Number(process.env[name]) : fallback);
const SETTINGS = {
  users: num('BENCH_USERS', 100_000),
  bcryptCost: num('BENCH_BCRYPT_COST', 12),
  resetSamples: num('BENCH_RESET_SAMPLES', 15),
  listSamples: num('BENCH_LIST_SAMPLES', 200),
  autocannonRounds: num('BENCH_AC_ROUNDS', 3),
  autocannonSeconds: num('BENCH_AC_SECONDS', 5),
  rateSeconds: num('BENCH_RATE_SECONDS', 10),
  emailCount: num('BENCH_EMAIL_COUNT', 1000),
  emailBcryptCost: num('BENCH_EMAIL_BCRYPT_COST', 4),
  // 16 completes in flight once deadlocked the app (pool exhaustion); since 1cf0edc they do not (1,000 emails in 20 s).
  emailConcurrency: num('BENCH_EMAIL_CONCURRENCY', 16),
  emailWaitSeconds: num('BENCH_EMAIL_WAIT_SECONDS', 120),
  soakSeconds: num('BENCH_SOAK_SECONDS', 120),
  // Default: whatever is left of a 14.5-minute budget when the audit bench starts (at least 60 s).
  auditTimeoutSeconds: process.env.BENCH_AUDIT_TIMEOUT_SECONDS ? Number(process.env.BENCH_AUDIT_TIMEOUT_SECONDS) : undefined,
  phases: (process.env.BENCH_PHASES ?? 'reset,auth,list,soak,express,email,audit').split(',').map((p) => p.trim()),
  skipBuild: process.env.BENCH_SKIP_BUILD === '1',
  uvThreadpoolSize: process.env.BENCH_UV_THREADPOOL_SIZE,
};
const ALL_PHASES = ['reset', 'auth', 'list', 'soak', 'express', 'email', 'audit'];
const fullRun = ALL_PHASES.every((p) => SETTINGS.phases.includes(p));
const want = (phase) => SETTINGS.phases.includes(phase);

const runStarted = performance.now();
const log = (line) => process.stdout.write(`${line}\n`);
const cleanups = [];
let cleaning = false;
async function cleanup() {
  if (cleaning) return;
  cleaning = true;
  for (const fn of cleanups.reverse()) await fn().catch((error) => log(`cleanup: ${error.message}`));
  closeAgent();
}
process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));
process.on('SIGTERM', () => void cleanup().then(() => process.exit(143)));

const jestCount = () => {
  try {
    return Number(execFileSync('sh', ['-c', 'ps aux | grep jest | grep -v grep | wc -l']).toString().trim());
  } catch {
    return NaN;
  }
};
const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

const machine = {
  nproc: execFileSync('nproc').toString().trim(),
  availableParallelism: availableParallelism(),
  cpu: cpus()[0]?.model ?? 'unknown',
  memoryGb: round(totalmem() / 1024 ** 3, 1),
  node: process.version,
  postgres: await serverVersion(),
  jestAtStart: jestCount(),
  loadAtStart: loadAverage(),
  startedAt: new Date().toISOString(),
};
log(`Custodian bench — ${machine.nproc} cores (${machine.cpu}), Node ${machine.node}, PostgreSQL ${machine.postgres}`);
log(`jest processes running: ${machine.jestAtStart}; load average ${machine.loadAtStart}`);
log(`settings: ${JSON.stringify(SETTINGS)}`);

const results = { settings: SETTINGS, machine };

try {
  if (!SETTINGS.skipBuild) {
    log('\nbuild: nest build api -c bench/nest-cli.bench.json (into bench/.build)');
    const started = performance.now();
    execFileSync(NODE, [join(ROOT, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js'), 'build', 'api', '-c', 'bench/nest-cli.bench.json'], { cwd: ROOT, stdio: 'inherit' });
    log(`  built in ${round((performance.now() - started) / 1000)} s`);
  }
  if (!existsSync(join(ROOT, 'bench', '.build', 'apps', 'api', 'src', 'main.js'))) throw new Error('bench/.build is missing: run without BENCH_SKIP_BUILD');

  const threadpool = SETTINGS.uvThreadpoolSize ? { UV_THREADPOOL_SIZE: SETTINGS.uvThreadpoolSize } : {};
  // Admins sign in with a cost-4 hash: sign-in is not measured, and bcrypt compares at the hash's own cost.
  const adminHash = await bcrypt.hash(ADMIN_PASSWORD, 4);

  if (['reset', 'auth', 'list', 'soak', 'express'].some(want)) {
    log(`\nsetup: database with ${SETTINGS.users.toLocaleString('en')} users`);
    const sink = await startSmtpSink();
    cleanups.push(() => sink.stop());
    const db = await createDatabase('custodian_bench');
    cleanups.push(() => (process.env.BENCH_KEEP_DB === '1' ? Promise.resolve() : db.drop()));
    const env = {
      DATABASE_URL: db.url,
      SMTP_URL: sink.url,
      BCRYPT_COST: String(SETTINGS.bcryptCost),
      // Distinct admins keep the per-admin limit from biting; raised too for the soak and warm-ups.
      RESET_MAX_PER_ADMIN_PER_MINUTE: '100000',
      // The run outlasts the default 15-minute access token.
      ACCESS_TOKEN_TTL_SECONDS: '7200',
      ...threadpool,
    };
    let server = await startServer({ name: 'fastify', env });
    cleanups.push(() => server.stop());
    await sleep(3000);
    const idle = await server.probe('mem', { gc: false });
    results.idleRss = server.rss();
    results.idleHeap = idle.heapUsed;
    log(`  idle RSS (fastify, after start-up): ${mb(results.idleRss)} MB`);

    const client = await db.connect();
    cleanups.push(() => client.end());
    let started = performance.now();
    await seedUsers(client, SETTINGS.users);
    const adminRows = await seedAdmins(client, 20, adminHash);
    log(`  seeded ${SETTINGS.users.toLocaleString('en')} users + 20 admins in ${round((performance.now() - started) / 1000)} s`);
    const admins = [];
    for (const row of adminRows) admins.push({ ...row, token: await login(server.base, row.username) });
    const targets = await resetTargets(client, 2000);
    const peaks = {};

    if (want('reset')) {
      log(`\n1. reset overhead (BCRYPT_COST=${SETTINGS.bcryptCost})`);
      const sampler = rssSampler(server);
      results.reset = (await resetPhase({ server, admins, targets, cost: SETTINGS.bcryptCost, samples: SETTINGS.resetSamples, log }));
      peaks.reset = sampler.stop().peak;
    }
    if (want('auth')) {
      log('\n2. authenticated request overhead (Fastify)');
      const sampler = rssSampler(server);
      results.auth = { fastify: await authPhase({ server, token: admins[0].token, rounds: SETTINGS.autocannonRounds, seconds: SETTINGS.autocannonSeconds, rateSeconds: SETTINGS.rateSeconds, log }) };
      peaks.auth = sampler.stop().peak;
    }
    if (want('list')) {
      log('\n3. list users');
      const sampler = rssSampler(server);
      results.list = await listUsersPhase({ server, token: admins[0].token, client, samples: SETTINGS.listSamples, log });
      peaks.list = sampler.stop().peak;
    }
    if (want('soak')) {
      log(`\n5. soak (${SETTINGS.soakSeconds} s)`);
      results.soak = await soakPhase({ server, admins, targets, seconds: SETTINGS.soakSeconds, log });
      peaks.soak = results.soak.rssPeak;
    }
    results.rssPeaks = peaks;
    results.rssAfterLoad = server.rss();
    await server.stop();

    if (want('express')) {
      log('\n2b. authenticated request overhead (Express, bench/lib/express-main.cjs)');
      server = await startServer({ name: 'express', env, entry: EXPRESS_MAIN });
      const token = await login(server.base, admins[0].username);
      await sleep(2000);
      results.expressIdleRss = server.rss();
      const sampler = rssSampler(server);
      results.auth = { ...results.auth, express: await authPhase({ server, token, rounds: SETTINGS.autocannonRounds, seconds: SETTINGS.autocannonSeconds, rateSeconds: SETTINGS.rateSeconds, log }) };
      peaks.express = sampler.stop().peak;
      await server.stop();
    }
  }

  if (want('email')) {
    log(`\n4. email throughput (${SETTINGS.emailCount} completed resets; separate instance, BCRYPT_COST=${SETTINGS.emailBcryptCost})`);
    const sink = await startSmtpSink();
    cleanups.push(() => sink.stop());
    const db = await createDatabase('custodian_bench_mail');
    cleanups.push(() => (process.env.BENCH_KEEP_DB === '1' ? Promise.resolve() : db.drop()));
    const server = await startServer({
      name: 'email',
      env: {
        DATABASE_URL: db.url,
        SMTP_URL: sink.url,
        BCRYPT_COST: String(SETTINGS.emailBcryptCost),
        RESET_MAX_PER_ADMIN_PER_MINUTE: '100000',
        ...threadpool,
      },
    });
    cleanups.push(() => server.stop());
    const client = await db.connect();
    cleanups.push(() => client.end());
    await seedUsers(client, Math.ceil(SETTINGS.emailCount * 1.5) + 100, "m.");
    const admins = [];
    for (const row of await seedAdmins(client, 10, adminHash)) admins.push({ ...row, token: await login(server.base, row.username) });
    const targets = await resetTargets(client, SETTINGS.emailCount);
    const sampler = rssSampler(server);
    results.email = await emailPhase({ server, sink, admins, targets, client, count: SETTINGS.emailCount, concurrency: SETTINGS.emailConcurrency, waitSeconds: SETTINGS.emailWaitSeconds, log });
    results.email.rssPeak = sampler.stop().peak;
    await server.stop();
  }

  if (want('audit')) results.audit = await runAuditBench();
} catch (error) {
  log(`\nbench failed: ${error.stack ?? error}`);
  results.error = String(error.message ?? error);
} finally {
  await cleanup();
}

results.machine.jestAtEnd = jestCount();
results.machine.loadAtEnd = loadAverage();
results.wallSeconds = (performance.now() - runStarted) / 1000;
const rows = tableRows(results);
const table = renderTable(rows);
log(`\n${table}`);
log(`\nwall time ${round(results.wallSeconds / 60, 1)} min; jest processes at end: ${results.machine.jestAtEnd}; load ${results.machine.loadAtEnd}`);
writeFileSync(join(RESULTS, 'latest.json'), JSON.stringify({ ...results, rows }, null, 2));
if ((fullRun && !results.error) || process.env.BENCH_WRITE === '1') {
  writeBenchmarksMd(results, table);
  log('BENCHMARKS.md updated.');
} else {
  log('BENCHMARKS.md not updated (a partial or failed run; BENCH_WRITE=1 forces it). Results: bench/results/latest.json');
}
process.exit(results.error ? 1 : 0);

// ---------------------------------------------------------------------------------------------------------

/** Runs the audit engineer's bench (issue 4) if it exists; its figures come back as rows if it writes them. */
async function runAuditBench() {
  const candidates = ['audit-bench.mjs', 'audit-bench.js', 'audit-bench.cjs', 'audit-bench.ts'].map((f) => join(ROOT, 'bench', f));
  const script = candidates.find((f) => existsSync(f));
  if (!script) {
    log('\n6. audit bench: bench/audit-bench.* not present; skipped');
    return { skipped: 'bench/audit-bench.* not present' };
  }
  const jsonPath = join(RESULTS, 'audit.json');
  rmSync(jsonPath, { force: true });
  const timeoutSeconds = SETTINGS.auditTimeoutSeconds ?? Math.max(60, Math.floor(14.5 * 60 - (performance.now() - runStarted) / 1000));
  const args = script.endsWith('.ts') ? ['-r', '@swc-node/register', script] : [script];
  log(`\n6. audit bench: node ${args.join(' ').replace(`${ROOT}/`, '')} (its own database, this run's build; timeout ${timeoutSeconds} s)`);
  const started = performance.now();
  const child = spawn(NODE, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: process.env.LANG ?? 'C.UTF-8', BENCH_DATABASE_URL: SERVER_URL, AUDIT_BENCH_JSON: jsonPath, AUDIT_BENCH_MAIN: MAIN, ...pick(process.env, /^AUDIT_BENCH_/) },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so that a timeout also ends whatever it started.
    detached: true,
  });
  const prefix = (stream) => stream.on('data', (chunk) => process.stdout.write(chunk.toString().replace(/^(?=.)/gm, '  | ')));
  prefix(child.stdout);
  prefix(child.stderr);
  const timer = setTimeout(() => {
    log(`  audit bench: no result after ${timeoutSeconds} s; stopping it`);
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      child.kill('SIGTERM');
    }
  }, timeoutSeconds * 1000);
  const code = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? signal)));
  clearTimeout(timer);
  const seconds = (performance.now() - started) / 1000;
  let rows = [];
  if (existsSync(jsonPath)) {
    try {
      const parsed = JSON.parse(readFileSync(jsonPath, 'utf8'));
      rows = (Array.isArray(parsed) ? parsed : parsed.rows ?? []).filter((r) => r && r.figure);
    } catch (error) {
      log(`  audit bench JSON unreadable: ${error.message}`);
    }
  }
  return { script: script.replace(`${ROOT}/`, ''), exit: code, seconds, rows };
}

function pick(env, pattern) {
  return Object.fromEntries(Object.entries(env).filter(([key]) => pattern.test(key)));
}

function tableRows(r) {
  const rows = [];
  const add = (figure, target, measured, met) => rows.push({ figure, target, measured, met: met === undefined ? '—' : met ? 'yes' : 'NO' });
  const ms = (v, d = 1) => `${round(v, d)} ms`;
  if (r.reset) {
    const x = r.reset;
    add(`bcrypt hash, cost ${SETTINGS.bcryptCost}, in the server process (p50 of ${x.hashTimes.length})`, '—', ms(x.hashMs, 0));
    add('reset p50 ÷ hash p50, sequential', '≤ 1.10', `${ms(x.resetMs, 0)} ÷ ${ms(x.hashMs, 0)} = ${round(x.ratio, 3)}`, x.ratio <= 1.1);
    for (const [c, v] of Object.entries(x.concurrent)) {
      const share = v.perSecond / x.expectedPerSecond;
      add(`reset throughput, ${c} concurrent admins, vs ${x.usableCores} cores ÷ hash`, '≥ 90%', `${round(v.perSecond, 2)}/s of ${round(x.expectedPerSecond, 2)}/s = ${round(share * 100, 0)}% (bcrypt-only ceiling measured right after: ${round(v.ceilingPerSecond, 2)}/s; p50 latency ${ms(v.p50, 0)})`, share >= 0.9);
    }
    add('event-loop delay p99 in the server while 20 resets run', '< 20 ms', `${ms(x.lag.p99, 2)} (max ${ms(x.lag.max, 1)}; GET /api/health RTT p99 ${ms(x.healthRtt.p99, 1)})`, x.lag.p99 < 20);
  }
  for (const adapter of ['fastify', 'express']) {
    const a = r.auth?.[adapter];
    if (!a) continue;
    const name = adapter === 'fastify' ? 'Fastify (kept)' : 'Express (comparison)';
    add(`${name}: GET /api/auth/me p99 at 1,000 req/s`, '< 5 ms', `${ms(a.fixed.p99, 2)} (p50 ${ms(a.fixed.p50, 2)}, achieved ${round(a.fixed.achieved, 0)} req/s)`, adapter === 'fastify' ? a.fixed.p99 < 5 : undefined);
    add(`${name}: max req/s /auth/me ÷ /health, 10 connections`, '≥ 0.5', `${round(a.meRps, 0)} ÷ ${round(a.healthRps, 0)} = ${round(a.ratio, 2)}`, adapter === 'fastify' ? a.ratio >= 0.5 : undefined);
    add(`${name}: event-loop thread CPU per request, /auth/me and /health`, '—', `${round(a.meCpuMs, 3)} ms and ${round(a.healthCpuMs, 3)} ms`);
  }
  for (const l of r.list ?? []) add(`GET /api/users, 100k users: ${l.name}`, 'p95 < 20 ms', `p95 ${ms(l.p95, 2)} (p50 ${ms(l.p50, 2)})`, l.p95 < 20);
  if (r.email) {
    const e = r.email;
    const last = Number.isFinite(e.lastMs)
      ? `${round(e.lastMs / 1000, 1)} s`
      : `not all within the ${e.waitSeconds} s wait: ${e.accepted} accepted, ${e.within60s} of them within 60 s; ${round(e.perSecond, 1)} emails/s steady, so ~${round(e.count / e.perSecond, 0)} s for all`;
    add(`email: ${e.count} completed resets (${SETTINGS.emailConcurrency} completes in flight), last email accepted after`, '≤ 60 s', `${last} (completes answered in ${round(e.completedMs / 1000, 1)} s)`, e.lastMs <= 60_000);
    add('email: duplicates', '0 (distinct Message-IDs = emails)', `${e.accepted} accepted, ${e.distinctMessageIds} distinct Message-IDs, ${e.distinctRecipients} distinct recipients, ${e.unexpectedRecipients} unexpected`, e.distinctMessageIds === e.accepted && e.distinctRecipients === e.accepted && e.unexpectedRecipients === 0);
  }
  if (r.idleRss) add('RSS idle (after start-up)', '—', `${mb(r.idleRss)} MB`);
  for (const [phase, peak] of Object.entries(r.rssPeaks ?? {})) add(`RSS peak during ${phase}`, '—', `${mb(peak)} MB`);
  if (r.email?.rssPeak) add('RSS peak during email (its own instance)', '—', `${mb(r.email.rssPeak)} MB`);
  if (r.soak) {
    const s = r.soak;
    add(`soak ${s.seconds} s: RSS slope after warm-up`, '≤ 1 MB/min', `${round(s.rssSlopeMbPerMin, 2)} MB/min (${mb(s.rssStart)} → ${mb(s.rssEnd)} MB; heap after GC ${round(s.heapSlopeMbPerMin, 2)} MB/min; ${s.requests} requests, ${s.errors} errors)`, s.rssSlopeMbPerMin <= 1 && s.errors === 0);
  }
  for (const row of r.audit?.rows ?? []) add(`audit: ${row.figure}`, row.target ?? '—', String(row.measured), row.met === undefined ? undefined : row.met === true || row.met === 'yes');
  if (r.audit && !r.audit.skipped && (r.audit.rows ?? []).length === 0) add('audit bench', 'figures in bench/AUDIT-RESULTS.md', `exit ${r.audit.exit} after ${round(r.audit.seconds, 0)} s`, r.audit.exit === 0 ? undefined : false);
  if (fullRun) add('npm run bench wall time', '< 15 min', `${round(r.wallSeconds / 60, 1)} min`, r.wallSeconds < 900);
  if (r.error) add('run', 'completes', `failed: ${r.error}`, false);
  return rows;
}

function renderTable(rows) {
  const lines = ['| figure | target | measured | met? |', '|---|---|---|---|'];
  for (const row of rows) lines.push(`| ${row.figure} | ${row.target} | ${row.measured} | ${row.met} |`);
  return lines.join('\n');
}

function writeBenchmarksMd(r, table) {
  const path = join(ROOT, 'BENCHMARKS.md');
  const m = r.machine;
  const soakNote = SETTINGS.soakSeconds >= 600 ? '' : `, so that \`npm run bench\` stays under 15 minutes (\`BENCH_SOAK_SECONDS=600 npm run bench\` for the 10-minute soak)`;
  const block = [
    '<!-- bench:results:start (written by `npm run bench`; edit outside these markers) -->',
    `Measured ${m.startedAt.slice(0, 16).replace('T', ' ')} UTC by \`npm run bench\` (\`node bench/run.mjs\`) in ${round(r.wallSeconds / 60, 1)} min.`,
    '',
    `Machine: ${m.nproc} cores (\`nproc\`; ${m.cpu}), ${m.memoryGb} GB, Node.js ${m.node} (\`node -v\` of the project's node), PostgreSQL ${m.postgres}.`,
    `Shared machine: ${m.jestAtStart} jest processes running at the start, ${m.jestAtEnd} at the end; load average ${m.loadAtStart} → ${m.loadAtEnd}.`,
    `Soak: ${SETTINGS.soakSeconds} s${soakNote}.`,
    '',
    table,
    '',
    '<details><summary>raw settings of this run</summary>',
    '',
    '```json',
    JSON.stringify(SETTINGS),
    '```',
    '',
    '</details>',
    '<!-- bench:results:end -->',
  ].join('\n');
  const auditPath = join(ROOT, 'bench', 'AUDIT-RESULTS.md');
  const audit = [
    '<!-- bench:audit:start (copied from bench/AUDIT-RESULTS.md by `npm run bench`) -->',
    existsSync(auditPath) ? readFileSync(auditPath, 'utf8').trim().replace(/^(#+) /gm, '##$1 ') : '_bench/AUDIT-RESULTS.md not present at this run._',
    '<!-- bench:audit:end -->',
  ].join('\n');
  let text = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n\n<!-- bench:results:start -->\n<!-- bench:results:end -->\n\n## Audit reporting (issue 4)\n\n<!-- bench:audit:start -->\n<!-- bench:audit:end -->\n';
  text = text.replace(/<!-- bench:results:start[\s\S]*?<!-- bench:results:end -->/, () => block);
  text = text.replace(/<!-- bench:audit:start[\s\S]*?<!-- bench:audit:end -->/, () => audit);
  writeFileSync(path, text);
}
