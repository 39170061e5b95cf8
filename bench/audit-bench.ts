/**
 * Audit reporting benchmark (issue 4). Run from the repository root:
 *
 *   node_modules/.bin/node -r @swc-node/register bench/audit-bench.ts
 *
 * 0. Builds the app into dist/audit-bench (see buildApp).
 * 1. Creates a fresh database (dropped at the end; AUDIT_BENCH_KEEP=1 keeps it for EXPLAIN work).
 * 2. Starts the built app once so its migrations create the schema, stops it.
 * 3. Fills audit_event with 1,000,000 events (50 admins, 100,000 targets, two years): the rows are made
 *    set-based with generate_series, the hash chain is computed in bulk by streaming them through the
 *    TypeScript mirror of the canonical form (libs/audit/src/domain/audit-hash.ts), and the chained rows
 *    are inserted in one statement. /verify later recomputes every hash with the database function, so
 *    a "valid: true" also proves the mirror and the SQL agree on a million rows.
 * 4. Starts the app again as a child process (`node dist/audit-bench/apps/api/src/main.js`) and measures over HTTP:
 *    p50/p95 of a filtered first page and of a page deep in a cursor walk, per filter; a full CSV export
 *    (rows/s, the server's peak RSS); /verify over the whole table (rows/s).
 * 5. Writes bench/AUDIT-RESULTS.md (and AUDIT_BENCH_JSON rows for `npm run bench`).
 *
 * Environment: BENCH_DATABASE_URL (a PostgreSQL server URL; default postgres://postgres@127.0.0.1:5432/postgres),
 * AUDIT_BENCH_ROWS (1000000), AUDIT_BENCH_SAMPLES (200 per figure), AUDIT_BENCH_MAIN (the built main.js),
 * AUDIT_BENCH_KEEP=1, AUDIT_BENCH_JSON (where to write the figures as JSON).
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { auditEventHash, GENESIS_HASH } from '../libs/audit/src/domain/audit-hash';
import { encodeAuditCursor } from '../libs/audit/src/list-audit-events/audit-cursor';

const ROOT = join(__dirname, '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROWS = Number(process.env.AUDIT_BENCH_ROWS ?? 1_000_000);
const SAMPLES = Number(process.env.AUDIT_BENCH_SAMPLES ?? 200);
const WARMUP = 20;
const ADMINS = 50;
const TARGETS = 100_000;
const ADMIN = { username: 'bench.admin', password: 'Qv7!audit-Bench-K3y-9fZ' };
/** Random per run: production refuses anything that looks like a placeholder. */
const APP_SECRET = randomBytes(32).toString('base64url');
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const log = (line: string) => process.stdout.write(`${line}\n`);

// ------------------------------------------------------------------------------------------ database

function databaseUrl(name: string): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * The synthetic trail, set-based. Events come in groups of four sharing a reset (correlation id, admin,
 * target); each event's action is drawn from a realistic mix: resets performed 30 %, completed 25 %,
 * sessions revoked 15 %, emails sent 19 %, emails failed 1 %, email changes 5 %, user creations 3 %,
 * password changes 2 %. Time runs evenly over the last two years, so it never decreases along seq.
 */
const STAGE_ROWS = `
  create unlogged table audit_bench_staging as
  with shape as (
    select g::bigint as seq, g / 4 as reset_no,
           abs(hashint8(g::bigint)) % 1000 as bucket,
           now() - interval '2 years' + (interval '2 years' - interval '10 minutes') * (g::float8 / $1) as at
      from generate_series(1, $1::int) g
  ), parties as (
    select s.*, abs(hashint8(reset_no * 7 + 1)) % ${ADMINS} as admin_no, abs(hashint8(reset_no * 7 + 2)) % ${TARGETS} as target_no,
           case when bucket < 300 then 'password_reset.performed' when bucket < 550 then 'password_reset.completed'
                when bucket < 700 then 'sessions.revoked' when bucket < 890 then 'password_reset.email_sent'
                when bucket < 900 then 'password_reset.email_failed' when bucket < 950 then 'user.email_changed'
                when bucket < 980 then 'user.created' else 'user.password_changed' end as action
      from shape s
  )
  select seq, gen_random_uuid() as id, date_trunc('milliseconds', at) as occurred_at, action,
         case when action = 'user.password_changed' then md5('target' || target_no)::uuid else md5('admin' || admin_no)::uuid end as actor_id,
         case when action = 'user.password_changed' then 'user' || target_no else 'admin' || lpad(admin_no::text, 2, '0') end as actor_username,
         md5('target' || target_no)::uuid as target_id, 'user' || target_no as target_username,
         '10.0.' || admin_no || '.' || (1 + seq % 200) as ip,
         (array['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36',
                'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 Version/18.1 Safari/605.1.15',
                'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0'])[1 + seq % 3] as user_agent,
         md5('request' || reset_no || '-' || (seq % 4))::uuid::text as request_id,
         case when action like 'password_reset.%' or action = 'sessions.revoked' then md5('reset' || reset_no)::uuid end as correlation_id,
         case action
           when 'password_reset.performed' then jsonb_build_object('method', case when target_no % 5 = 0 then 'iqama' else 'random' end,
                                                                   'requirePasswordChange', seq % 10 <> 0, 'reason', case when seq % 3 = 0 then 'ticket ' || reset_no end)
           when 'password_reset.completed' then jsonb_build_object('sendEmail', seq % 7 <> 0, 'logoutSessions', seq % 2 = 0)
           when 'sessions.revoked' then jsonb_build_object('count', 1 + seq % 4, 'reason', 'password_reset')
           when 'password_reset.email_sent' then jsonb_build_object('address', 'user' || target_no || '@example.org', 'attempts', 1 + (seq % 20 = 0)::int)
           when 'password_reset.email_failed' then jsonb_build_object('address', 'user' || target_no || '@example.org', 'attempts', 10, 'reason', '550 Mailbox unavailable')
           when 'user.email_changed' then jsonb_build_object('old', 'user' || target_no || '@example.org', 'new', 'user' || target_no || '@example.net')
           when 'user.created' then jsonb_build_object('type', (array['parent','customer','supplier','employee','user'])[1 + target_no % 5], 'roles', '[]'::jsonb)
           else '{}'::jsonb end as details,
         gen_random_uuid() as event_id
    from parties`;

const STAGED_COLUMNS = `seq::text, id::text, (extract(epoch from occurred_at) * 1000)::bigint::text, action, actor_id::text, actor_username,
  target_id::text, target_username, ip, user_agent, request_id, correlation_id::text, event_id::text, details::text`;

const RAW_TEXT = { getTypeParser: () => (value: string) => value };

/** Streams the staged rows in seq order through the TypeScript hash and stores the chain beside them. */
async function computeChain(url: string): Promise<void> {
  await withClient(url, async (reader) =>
    withClient(url, async (writer) => {
      await writer.query('create unlogged table audit_bench_chain (seq bigint primary key, prev_hash bytea not null, hash bytea not null)');
      await reader.query('begin');
      await reader.query(`declare staged no scroll cursor for select ${STAGED_COLUMNS} from audit_bench_staging order by audit_bench_staging.seq`);
      let previous = GENESIS_HASH;
      let pendingWrite: Promise<unknown> = Promise.resolve();
      for (;;) {
        const { rows } = await reader.query<(string | null)[]>({ text: 'fetch forward 20000 from staged', rowMode: 'array', types: RAW_TEXT });
        if (rows.length === 0) break;
        const seqs: string[] = [];
        const prevs: string[] = [];
        const hashes: string[] = [];
        for (const r of rows) {
          const hash = auditEventHash(previous, {
            seq: r[0]!,
            id: r[1]!,
            occurredAt: new Date(Number(r[2])),
            action: r[3]!,
            actorId: r[4],
            actorUsername: r[5],
            targetId: r[6],
            targetUsername: r[7],
            ip: r[8],
            userAgent: r[9],
            requestId: r[10],
            correlationId: r[11],
            eventId: r[12]!,
            details: JSON.parse(r[13]!),
          });
          seqs.push(r[0]!);
          prevs.push(previous.toString('hex'));
          hashes.push(hash.toString('hex'));
          previous = hash;
        }
        await pendingWrite; // one batch written while the next is read and hashed
        pendingWrite = writer.query(
          `insert into audit_bench_chain select s, decode(p, 'hex'), decode(h, 'hex') from unnest($1::bigint[], $2::text[], $3::text[]) as x(s, p, h)`,
          [seqs, prevs, hashes],
        );
      }
      await pendingWrite;
      await reader.query('commit');
    }),
  );
}

async function fill(url: string): Promise<{ seconds: number; steps: Record<string, number> }> {
  const steps: Record<string, number> = {};
  const step = async (name: string, work: () => Promise<unknown>) => {
    const started = performance.now();
    await work();
    steps[name] = (performance.now() - started) / 1000;
    log(`  ${name}: ${steps[name].toFixed(1)} s`);
  };
  await step('stage rows (generate_series)', () => withClient(url, (c) => c.query(STAGE_ROWS, [ROWS])));
  await step('hash chain (TypeScript, streamed)', () => computeChain(url));
  await step('insert chained rows with indexes', () =>
    withClient(url, async (c) => {
      await c.query(`
        insert into audit_event (seq, id, occurred_at, action, actor_id, actor_username, target_id, target_username, ip,
                                 user_agent, request_id, correlation_id, details, event_id, prev_hash, hash)
        overriding system value
        select s.seq, s.id, s.occurred_at, s.action, s.actor_id, s.actor_username, s.target_id, s.target_username, s.ip,
               s.user_agent, s.request_id, s.correlation_id, s.details, s.event_id, c.prev_hash, c.hash
          from audit_bench_staging s join audit_bench_chain c using (seq)
         order by s.seq`);
      await c.query(`select setval(pg_get_serial_sequence('audit_event', 'seq'), (select max(seq) from audit_event))`);
      await c.query('drop table audit_bench_staging, audit_bench_chain');
    }),
  );
  await step('vacuum analyze', () => withClient(url, (c) => c.query('vacuum analyze audit_event')));
  return { seconds: Object.values(steps).reduce((a, b) => a + b, 0), steps };
}

// ------------------------------------------------------------------------------------------ server

interface Server {
  child: ChildProcess;
  base: string;
  stop(): Promise<void>;
  /** Resident set size, and its high-water mark, from /proc (bytes). */
  memory(): { rss: number; hwm: number };
}

/**
 * The app as built by the project's own compiler settings (apps/api/tsconfig.app.json), into dist/audit-bench
 * rather than dist: `nest build` empties its output folder first, and dist is shared with other work (the
 * admin UI build, browser tests) that must not lose it mid-run. AUDIT_BENCH_MAIN uses a build made elsewhere.
 */
const OWN_BUILD = join(ROOT, 'dist/audit-bench/apps/api/src/main.js');

function buildApp(): string {
  if (process.env.AUDIT_BENCH_MAIN) return process.env.AUDIT_BENCH_MAIN;
  log('build: nest build api -c bench/audit-nest-cli.json (into dist/audit-bench)');
  execFileSync(NODE, [join(ROOT, 'node_modules/@nestjs/cli/bin/nest.js'), 'build', 'api', '-c', 'bench/audit-nest-cli.json'], { cwd: ROOT, stdio: 'inherit' });
  return OWN_BUILD;
}

let mainJs = '';
function builtMain(): string {
  return mainJs;
}

async function startServer(url: string, port: number, withAdmin: boolean): Promise<Server> {
  const child = spawn(NODE, [builtMain()], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      PORT: String(port),
      DATABASE_URL: url,
      SMTP_URL: 'smtp://127.0.0.1:2',
      APP_SECRET,
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      ...(withAdmin ? { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password } : {}),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr = (stderr + chunk).slice(-5000)));
  const base = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 90_000; ; await sleep(200)) {
    if (child.exitCode !== null) throw new Error(`the app exited during start-up: ${stderr}`);
    if (Date.now() > deadline) throw new Error(`the app did not become ready: ${stderr}`);
    const ready = await get(`${base}/api/health/ready`).then((r) => r.status === 200, () => false);
    if (ready) break;
  }
  return {
    child,
    base,
    memory() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) * 1024;
      return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
    },
  };
}

// ------------------------------------------------------------------------------------------ http

interface Reply {
  status: number;
  body: string;
  bytes: number;
  lines: number;
}

/** GET; `discard` counts bytes and lines instead of keeping the body (for the export). */
function get(url: string, headers: Record<string, string> = {}, discard = false): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers }, (res) => {
      let body = '';
      let bytes = 0;
      let lines = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (discard) {
          for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
        } else body += chunk.toString('utf8');
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, bytes, lines }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function login(base: string): Promise<string> {
  const body = JSON.stringify({ login: ADMIN.username, password: ADMIN.password });
  const reply = await new Promise<Reply>((resolve, reject) => {
    const req = request(`${base}/api/auth/login`, { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, bytes: text.length, lines: 0 }));
    });
    req.on('error', reject);
    req.end(body);
  });
  if (reply.status !== 200) throw new Error(`login failed: ${reply.status} ${reply.body}`);
  return JSON.parse(reply.body).accessToken;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

// ------------------------------------------------------------------------------------------ scenarios

const uuidOf = (prefix: string, n: number) => {
  // md5(prefix || n)::uuid, as the staging SQL made them
  const hex = createHash('md5').update(`${prefix}${n}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};
const randomInt = (n: number) => Math.floor(Math.random() * n);
const DAY_MS = 86_400_000;

interface Scenario {
  name: string;
  /** The query string of a first page; `deep` is a cursor position (a seq) inside the rows it matches. */
  make(): { query: string; deep: number };
}

function scenarios(firstAt: number, lastAt: number, rows: number): Scenario[] {
  const seqAt = (time: number) => Math.max(1, Math.round(((time - firstAt) / (lastAt - firstAt)) * rows));
  const somewhere = () => 1 + Math.floor(rows * (0.1 + 0.8 * Math.random()));
  const window = (days: number) => {
    const from = firstAt + Math.random() * (lastAt - firstAt - days * DAY_MS);
    const to = from + days * DAY_MS;
    return { from, to, deep: seqAt(from + (to - from) * (0.2 + 0.6 * Math.random())) };
  };
  const iso = (time: number) => new Date(time).toISOString();
  const admin = () => uuidOf('admin', randomInt(ADMINS));
  return [
    { name: 'no filter', make: () => ({ query: '', deep: somewhere() }) },
    { name: 'action, common (password_reset.performed, 30 %)', make: () => ({ query: 'action=password_reset.performed', deep: somewhere() }) },
    { name: 'action, rare (password_reset.email_failed, 1 %)', make: () => ({ query: 'action=password_reset.email_failed', deep: somewhere() }) },
    { name: 'action ×2 (email_sent + email_failed)', make: () => ({ query: 'action=password_reset.email_sent&action=password_reset.email_failed', deep: somewhere() }) },
    { name: 'actorId (one of 50 admins, ~2 % each)', make: () => ({ query: `actorId=${admin()}`, deep: somewhere() }) },
    { name: 'targetId (one of 100,000 users)', make: () => ({ query: `targetId=${uuidOf('target', randomInt(TARGETS))}`, deep: somewhere() }) },
    { name: 'correlationId (one reset)', make: () => ({ query: `correlationId=${uuidOf('reset', randomInt(rows / 4))}`, deep: somewhere() }) },
    {
      name: 'from/to (a 7-day window)',
      make: () => {
        const w = window(7);
        return { query: `from=${iso(w.from)}&to=${iso(w.to)}`, deep: w.deep };
      },
    },
    {
      name: 'actorId + action + from/to (one admin\'s resets in 30 days)',
      make: () => {
        const w = window(30);
        return { query: `actorId=${admin()}&action=password_reset.performed&from=${iso(w.from)}&to=${iso(w.to)}`, deep: w.deep };
      },
    },
  ];
}

interface PageFigures {
  name: string;
  first: { p50: number; p95: number; rows: number };
  deep: { p50: number; p95: number; rows: number };
}

async function measurePages(base: string, token: string, scenario: Scenario): Promise<PageFigures> {
  const auth = { Authorization: `Bearer ${token}` };
  const time = async (query: string) => {
    const started = performance.now();
    const reply = await get(`${base}/api/audit/events?${query}`, auth);
    const ms = performance.now() - started;
    if (reply.status !== 200) throw new Error(`${query}: ${reply.status} ${reply.body.slice(0, 300)}`);
    return { ms, rows: JSON.parse(reply.body).items.length as number };
  };
  const first: number[] = [];
  const deep: number[] = [];
  let firstRows = 0;
  let deepRows = 0;
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    const { query, deep: seq } = scenario.make();
    const a = await time(query);
    const b = await time(`${query}${query ? '&' : ''}cursor=${encodeAuditCursor(String(seq))}`);
    if (i < WARMUP) continue;
    first.push(a.ms);
    deep.push(b.ms);
    firstRows += a.rows;
    deepRows += b.rows;
  }
  return {
    name: scenario.name,
    first: { p50: percentile(first, 50), p95: percentile(first, 95), rows: firstRows / SAMPLES },
    deep: { p50: percentile(deep, 50), p95: percentile(deep, 95), rows: deepRows / SAMPLES },
  };
}

/** The same round trip without the audit query: what every authenticated request costs here (guards, session check). */
async function measureFloor(base: string, token: string): Promise<{ p50: number; p95: number }> {
  const times: number[] = [];
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    const started = performance.now();
    const reply = await get(`${base}/api/auth/me`, { Authorization: `Bearer ${token}` });
    if (reply.status !== 200) throw new Error(`auth/me: ${reply.status}`);
    if (i >= WARMUP) times.push(performance.now() - started);
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

/**
 * Downloads the whole export with curl piped into wc (C programs, so the client takes little of the two
 * cores the server and PostgreSQL need); the bench's own Node client only if curl is missing.
 */
async function download(url: string, token: string): Promise<{ bytes: number; lines: number }> {
  const curl = spawnSync('sh', ['-c', 'command -v curl']).status === 0;
  if (!curl) {
    const reply = await get(url, { Authorization: `Bearer ${token}` }, true);
    if (reply.status !== 200) throw new Error(`CSV export: ${reply.status}`);
    return { bytes: reply.bytes, lines: reply.lines };
  }
  const child = spawn('sh', ['-c', `curl -sS --fail -H "Authorization: Bearer $TOKEN" "$URL" | wc -lc`], {
    env: { PATH: process.env.PATH, TOKEN: token, URL: url },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  await new Promise((resolve) => child.on('exit', resolve));
  const [lines, bytes] = out.trim().split(/\s+/).map(Number);
  if (!bytes) throw new Error(`CSV export failed: ${out}`);
  return { bytes, lines };
}

async function measureExport(server: Server, token: string): Promise<{ rows: number; seconds: number; rowsPerSecond: number; mb: number; baselineRss: number; peakRss: number; hwm: number }> {
  await sleep(500);
  const baselineRss = server.memory().rss;
  let peakRss = baselineRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, server.memory().rss)), 50);
  const started = performance.now();
  const { bytes, lines } = await download(`${server.base}/api/audit/events?format=csv`, token);
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, server.memory().rss);
  const rows = lines - 1; // the header; the synthetic rows hold no line breaks
  return { rows, seconds, rowsPerSecond: rows / seconds, mb: bytes / 1e6, baselineRss, peakRss, hwm: server.memory().hwm };
}

async function measureVerify(base: string, token: string): Promise<{ runs: { checked: number; seconds: number; valid: boolean }[] }> {
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    const reply = await get(`${base}/api/audit/verify`, { Authorization: `Bearer ${token}` });
    const seconds = (performance.now() - started) / 1000;
    if (reply.status !== 200) throw new Error(`verify: ${reply.status} ${reply.body}`);
    const body = JSON.parse(reply.body);
    runs.push({ checked: body.checked, seconds, valid: body.valid });
  }
  return { runs };
}

async function measureSummary(base: string, token: string): Promise<Record<string, number>> {
  const figures: Record<string, number> = {};
  for (const groupBy of ['action', 'day', 'actor']) {
    const started = performance.now();
    const reply = await get(`${base}/api/audit/summary?groupBy=${groupBy}`, { Authorization: `Bearer ${token}` });
    if (reply.status !== 200) throw new Error(`summary: ${reply.status} ${reply.body}`);
    figures[groupBy] = performance.now() - started;
  }
  return figures;
}

// ------------------------------------------------------------------------------------------ main

async function main(): Promise<void> {
  mainJs = buildApp();
  // AUDIT_BENCH_REUSE=<database> measures a database kept by an earlier run (AUDIT_BENCH_KEEP=1) without refilling it.
  const reuse = process.env.AUDIT_BENCH_REUSE;
  const name = reuse ?? `custodian_audit_bench_${Date.now().toString(36)}`;
  const url = databaseUrl(name);
  if (!reuse) await withClient(SERVER_URL, (c) => c.query(`create database ${name}`));
  log(`database ${name}; ${ROWS.toLocaleString('en')} events; app ${builtMain().replace(`${ROOT}/`, '')}`);
  let server: Server | undefined;
  try {
    const port = 39_000 + randomInt(1000);
    let filled = { seconds: 0, steps: { 'reused, not refilled': 0 } as Record<string, number> };
    if (!reuse) {
      log('schema: starting the app once for its migrations');
      await (await startServer(url, port, false)).stop();
      log('fill:');
      filled = await fill(url);
    }
    const [{ first_at, last_at, count, version }] = await withClient(url, async (c) =>
      (await c.query(`select extract(epoch from min(occurred_at)) * 1000 as first_at, extract(epoch from max(occurred_at)) * 1000 as last_at,
                             count(*)::int as count, current_setting('server_version') as version from audit_event`)).rows,
    );

    const loadBefore = loadavg()[0];
    server = await startServer(url, port, true);
    const token = await login(server.base);
    const rssAtStart = server.memory().rss;

    const floor = await measureFloor(server.base, token);
    log(`floor: GET /api/auth/me p50/p95 ${floor.p50.toFixed(1)}/${floor.p95.toFixed(1)} ms`);
    log('pages (p50/p95 of first page and deep page, ms):');
    const pages: PageFigures[] = [];
    for (const scenario of scenarios(Number(first_at), Number(last_at), count)) {
      const figures = await measurePages(server.base, token, scenario);
      pages.push(figures);
      log(`  ${figures.name}: first ${figures.first.p50.toFixed(1)}/${figures.first.p95.toFixed(1)} (${figures.first.rows.toFixed(0)} rows), deep ${figures.deep.p50.toFixed(1)}/${figures.deep.p95.toFixed(1)} (${figures.deep.rows.toFixed(0)} rows)`);
    }

    log('CSV export of every row:');
    const csv = await measureExport(server, token);
    log(`  ${csv.rows} rows, ${csv.mb.toFixed(0)} MB in ${csv.seconds.toFixed(1)} s = ${Math.round(csv.rowsPerSecond)} rows/s; server RSS ${mib(csv.baselineRss)} → peak ${mib(csv.peakRss)} MiB`);

    log('verify:');
    const verify = await measureVerify(server.base, token);
    for (const run of verify.runs) log(`  checked ${run.checked} in ${run.seconds.toFixed(2)} s = ${Math.round(run.checked / run.seconds)} rows/s, valid ${run.valid}`);

    const summary = await measureSummary(server.base, token);
    const loadDuring = { before: loadBefore, after: loadavg()[0] };
    log(`summary over everything: ${Object.entries(summary).map(([k, v]) => `${k} ${v.toFixed(0)} ms`).join(', ')}`);

    if (reuse) log('(reused database: bench/AUDIT-RESULTS.md not rewritten)');
    else writeResults({ filled, floor, pages, csv, verify, summary, rssAtStart, count, version: String(version), load: loadDuring });
  } finally {
    await server?.stop();
    if (process.env.AUDIT_BENCH_KEEP === '1' || reuse) log(`kept database ${name}`);
    else await withClient(SERVER_URL, (c) => c.query(`drop database if exists ${name} with (force)`));
  }
}

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);

function writeResults(r: {
  filled: { seconds: number; steps: Record<string, number> };
  floor: { p50: number; p95: number };
  load: { before: number; after: number };
  pages: PageFigures[];
  csv: Awaited<ReturnType<typeof measureExport>>;
  verify: Awaited<ReturnType<typeof measureVerify>>;
  summary: Record<string, number>;
  rssAtStart: number;
  count: number;
  version: string;
}): void {
  const verifyRates = r.verify.runs.map((run) => run.checked / run.seconds);
  const verifyMedian = percentile(verifyRates, 50);
  const worstPage = Math.max(...r.pages.flatMap((p) => [p.first.p95, p.deep.p95]));
  const rows = [
    ...r.pages.flatMap((p) => [
      { figure: `page p95, first page: ${p.name}`, target: '< 20 ms', measured: `${p.first.p95.toFixed(1)} ms (p50 ${p.first.p50.toFixed(1)})`, met: p.first.p95 < 20 },
      { figure: `page p95, deep page: ${p.name}`, target: '< 20 ms', measured: `${p.deep.p95.toFixed(1)} ms (p50 ${p.deep.p50.toFixed(1)})`, met: p.deep.p95 < 20 },
    ]),
    { figure: 'CSV export, every row', target: '≥ 100,000 rows/s', measured: `${Math.round(r.csv.rowsPerSecond).toLocaleString('en')} rows/s`, met: r.csv.rowsPerSecond >= 100_000 },
    { figure: 'server peak RSS during the export', target: '< 200 MB', measured: `${mib(r.csv.peakRss)} MiB (${mib(r.csv.baselineRss)} MiB before the export, the app's own; +${mib(r.csv.peakRss - r.csv.baselineRss)} MiB during it)`, met: r.csv.peakRss < 200 * 1024 * 1024 },
    { figure: '/verify, whole table (median of 3)', target: '≥ 200,000 rows/s', measured: `${Math.round(verifyMedian).toLocaleString('en')} rows/s`, met: verifyMedian >= 200_000 },
  ];
  if (process.env.AUDIT_BENCH_JSON) writeFileSync(process.env.AUDIT_BENCH_JSON, JSON.stringify({ rows }, null, 2));

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const lines = [
    '# Audit reporting benchmark (issue 4)',
    '',
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB,`,
    `PostgreSQL ${r.version}, Node.js ${process.versions.node}; the app as its own process (\`node ${builtMain().replace(`${ROOT}/`, '')}\`), requests one at a time over keep-alive HTTP`,
    `from the bench process, ${SAMPLES} samples per figure after ${WARMUP} warm-up requests. Other work on the machine was not stopped:`,
    `1-minute load average ${r.load.before.toFixed(1)} when the measurements began, ${r.load.after.toFixed(1)} when they ended (${cpus().length} cores).`,
    '',
    '```sh',
    '# builds the app into dist/audit-bench (nest build, the api tsconfig), then fills, starts and measures',
    'node_modules/.bin/node -r @swc-node/register bench/audit-bench.ts   # BENCH_DATABASE_URL=postgres://… to use another server',
    '```',
    '',
    `Data: ${r.count.toLocaleString('en')} events (50 admins, 100,000 targets, two years; resets in groups of four events sharing a`,
    'correlation id; actions: performed 30 %, completed 25 %, sessions.revoked 15 %, email_sent 19 %, email_failed 1 %,',
    `email_changed 5 %, created 3 %, password_changed 2 %). Filled in ${r.filled.seconds.toFixed(0)} s: ${Object.entries(r.filled.steps)
      .map(([k, v]) => `${k} ${v.toFixed(0)} s`)
      .join(', ')}.`,
    '',
    '| figure | target | measured | met |',
    '|---|---|---|---|',
    ...rows.map((row) => `| ${row.figure} | ${row.target} | ${row.measured} | ${row.met ? 'yes' : 'NO'} |`),
    '',
    `Worst page p95 over all filters: ${worstPage.toFixed(1)} ms. For scale, the same round trip without the audit query (GET /api/auth/me: JWT,`,
    `session check) took p50 ${r.floor.p50.toFixed(1)} / p95 ${r.floor.p95.toFixed(1)} ms. A "deep page" carries a cursor at a random position between 10 % and 90 %`,
    'of the table (inside the window for the time filters): the cost of page n of a walk, whatever n.',
    '',
    '| filter | first page p50 / p95 (rows) | deep page p50 / p95 (rows) |',
    '|---|---|---|',
    ...r.pages.map((p) => `| ${p.name} | ${p.first.p50.toFixed(1)} / ${p.first.p95.toFixed(1)} ms (${p.first.rows.toFixed(0)}) | ${p.deep.p50.toFixed(1)} / ${p.deep.p95.toFixed(1)} ms (${p.deep.rows.toFixed(0)}) |`),
    '',
    `CSV: ${r.csv.rows.toLocaleString('en')} rows, ${r.csv.mb.toFixed(0)} MB in ${r.csv.seconds.toFixed(1)} s, downloaded by \`curl | wc\`; server RSS ${mib(r.csv.baselineRss)} MiB before,`,
    `peak ${mib(r.csv.peakRss)} MiB sampled every 50 ms during the export (VmHWM since start-up ${mib(r.csv.hwm)} MiB; ${mib(r.rssAtStart)} MiB right after start-up).`,
    '',
    `Verify: ${r.verify.runs.map((run) => `${run.checked.toLocaleString('en')} events in ${run.seconds.toFixed(2)} s (valid: ${run.valid})`).join('; ')}.`,
    '',
    `Summary over the whole table (informational): ${Object.entries(r.summary).map(([k, v]) => `groupBy=${k} ${v.toFixed(0)} ms`).join(', ')}.`,
    '',
  ];
  const path = join(ROOT, 'bench', 'AUDIT-RESULTS.md');
  const previous = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const keep = previous.indexOf('<!-- audit-bench:notes -->');
  writeFileSync(path, lines.join('\n') + (keep >= 0 ? `\n${previous.slice(keep)}` : ''));
  log(`wrote bench/AUDIT-RESULTS.md`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
