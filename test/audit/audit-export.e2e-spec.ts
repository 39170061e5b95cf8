import { randomUUID } from 'node:crypto';
import { eventually, loginAdmin, SignedIn, startApp, TestApp } from '../support/harness';
import { get, IncomingMessage } from 'node:http';
import { auditEntry, expectProblem, parseCsv, record, recordInBulk } from './support';

const HEADER = ['seq', 'occurredAt', 'action', 'actorId', 'actorUsername', 'targetId', 'targetUsername', 'ip', 'userAgent', 'requestId', 'correlationId', 'details'];

/** Collects the body as UTF-8 text, BOM included (supertest's text parser would strip nothing but guess the charset). */
function rawText(response: unknown, done: (error: Error | null, body: string) => void): void {
  const stream = response as IncomingMessage;
  let body = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => (body += chunk));
  stream.on('end', () => done(null, body));
}

describe('GET /api/audit/events as CSV', () => {
  let t: TestApp;
  let admin: SignedIn;
  const actor = { id: randomUUID(), username: '=cmd|" /C calc"!A0' };
  const target = { id: randomUUID(), username: 'فاطمة.ك' };

  beforeAll(async () => {
    t = await startApp();
    admin = await loginAdmin(t);
  });
  afterAll(async () => {
    await t?.stop();
  });

  const csv = (query: string, headers: Record<string, string> = {}) =>
    t.http().get(`/api/audit/events${query}`).set(admin.auth).set(headers).buffer(true).parse(rawText);

  it('streams every matching row, newest first, as UTF-8 with BOM, RFC 4180 and a file name', async () => {
    const seqs = await record(t, ...Array.from({ length: 5 }, () => auditEntry({ actor, target })));
    const response = await csv(`?format=csv&actorId=${actor.id}`).expect(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="audit-events-\d{8}T\d{6}Z\.csv"$/);
    const text: string = response.body;
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    const [header, ...rows] = parseCsv(text.slice(1));
    expect(header).toEqual(HEADER);
    expect(rows.map((row) => Number(row[0]))).toEqual([...seqs].reverse());
    expect(rows[0].slice(2, 8)).toEqual(['password_reset.performed', actor.id, `'${actor.username}`, target.id, target.username, '203.0.113.7']);
    expect(JSON.parse(rows[0][11])).toEqual({ method: 'random', requirePasswordChange: true, reason: null });
    expect(rows[0][1]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('answers Accept: text/csv the same way, ignoring limit and cursor', async () => {
    const response = await csv(`?actorId=${actor.id}&limit=1`, { Accept: 'text/csv' }).expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(parseCsv(response.body.slice(1))).toHaveLength(1 + 5);
  });

  it('quotes what needs quoting and neutralises every cell a spreadsheet would run as a formula', async () => {
    const nasty = {
      userAgent: 'Mozilla/5.0 (X11; "quoted", comma)\r\nsecond line',
      requestId: '+SUM(1,2)',
      ip: '-1+2',
      details: { reason: '=HYPERLINK("http://evil.example","click")', note: 'ok' },
    };
    const formulaTarget = { id: randomUUID(), username: '@SUM(A1)' };
    await record(
      t,
      auditEntry({ actor, target: formulaTarget, ...nasty }),
      auditEntry({ actor, target: { id: randomUUID(), username: '\tTAB' }, requestId: '\rCR' }),
    );
    const text: string = (await csv(`?format=csv&actorId=${actor.id}`).expect(200)).body;
    const [, tabRow, nastyRow] = parseCsv(text.slice(1));
    expect(nastyRow[4]).toBe(`'${actor.username}`);
    expect(nastyRow[6]).toBe("'@SUM(A1)");
    expect(nastyRow[7]).toBe("'-1+2");
    expect(nastyRow[8]).toBe(nasty.userAgent);
    expect(nastyRow[9]).toBe("'+SUM(1,2)");
    expect(JSON.parse(nastyRow[11])).toEqual(nasty.details);
    expect(tabRow[6]).toBe("'\tTAB");
    expect(tabRow[9]).toBe("'\rCR");
    // No cell of the file starts with a formula character.
    for (const row of parseCsv(text.slice(1))) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    // The raw bytes: a quoted field doubles its quotes; the line break stays inside the quotes.
    expect(text).toContain('"Mozilla/5.0 (X11; ""quoted"", comma)\r\nsecond line"');
  });

  it('exports many rows across several fetches, the same rows as the JSON pages', async () => {
    const bulk = { id: randomUUID(), username: 'bulk' };
    await recordInBulk(t, 4500, { actor: bulk, action: 'sessions.revoked', details: { count: 1, reason: 'logout' } });
    const text: string = (await csv(`?format=csv&actorId=${bulk.id}`).expect(200)).body;
    const rows = parseCsv(text.slice(1)).slice(1);
    expect(rows).toHaveLength(4500);
    const page = await t.http().get(`/api/audit/events?actorId=${bulk.id}&limit=1000`).set(admin.auth).expect(200);
    expect(rows.slice(0, 1000).map((row) => Number(row[0]))).toEqual(page.body.items.map((e: { seq: number }) => e.seq));
    expect((await t.http().get('/api/audit/verify').set(admin.auth).expect(200)).body.valid).toBe(true);
  });

  it('sends just the header when nothing matches', async () => {
    const text: string = (await csv(`?format=csv&actorId=${randomUUID()}`).expect(200)).body;
    expect(text).toBe(`\uFEFF${HEADER.join(',')}\r\n`);
  });

  it('validates the filters as the JSON listing does', async () => {
    expectProblem(await t.http().get('/api/audit/events?format=csv&action=nope').set(admin.auth), 400, 'VALIDATION_FAILED', 'action');
    expectProblem(await t.http().get('/api/audit/events?from=2026-12-02&to=2026-12-01').set(admin.auth).set('Accept', 'text/csv'), 400, 'VALIDATION_FAILED', 'from');
  });

  it('reads the database only as fast as the client downloads, and lets go when the client hangs up', async () => {
    await recordInBulk(t, 40_000, { actor: { id: randomUUID(), username: 'many' }, action: 'user.created', details: { type: 'customer', roles: [] } });
    const exportConnection = async () =>
      (await t.sql<{ state: string }>(`select state from pg_stat_activity where application_name = 'custodian-audit-reports' and state <> 'idle'`))[0]?.state ?? null;
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const request = get(new URL(`${t.baseUrl}/api/audit/events?format=csv`), { headers: admin.auth }, resolve);
      request.on('error', reject);
    });
    response.once('data', () => response.pause());
    // The client stopped reading: the export waits with its cursor open, the rest of the rows unread.
    await eventually(async () => (await exportConnection()) === 'idle in transaction', 10_000, 'the export to wait for the client');
    response.destroy();
    await eventually(async () => (await exportConnection()) === null, 10_000, 'the export connection to be let go');
  });
});
