import { randomUUID } from 'node:crypto';
import { loginAdmin, SignedIn, startApp, TestApp } from '../support/harness';
import { auditEntry, expectProblem, nextMillisecond, record, signedInUser } from './support';

interface AuditEvent {
  id: string;
  seq: number;
  occurredAt: string;
  action: string;
  actor: { id: string | null; username: string | null } | null;
  target: { id: string | null; username: string | null } | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  correlationId: string | null;
  details: Record<string, unknown>;
}

const OTHER_ADMIN = { id: '55555555-5555-4555-8555-555555555555', username: 'other.admin' };
const TARGET = { id: '66666666-6666-4666-8666-666666666666', username: 'fatima.k' };
const RESET = '77777777-7777-4777-8777-777777777777';

describe('GET /api/audit/events', () => {
  let t: TestApp;
  let admin: SignedIn;
  let auditor: SignedIn;
  let everything: AuditEvent[];

  beforeAll(async () => {
    t = await startApp();
    admin = await loginAdmin(t);
    auditor = await signedInUser(t, admin, ['auditor']);
    // A reset of TARGET by OTHER_ADMIN with its follow-ups, amid unrelated events.
    await record(t, ...Array.from({ length: 20 }, () => auditEntry()));
    await nextMillisecond(t);
    await record(
      t,
      auditEntry({ action: 'password_reset.performed', actor: OTHER_ADMIN, target: TARGET, correlationId: RESET }),
      auditEntry({ action: 'user.email_changed', actor: OTHER_ADMIN, target: TARGET, correlationId: null, details: { old: 'a@example.org', new: 'b@example.org' } }),
      auditEntry({ action: 'password_reset.completed', actor: OTHER_ADMIN, target: TARGET, correlationId: RESET, details: { sendEmail: true, logoutSessions: true } }),
      auditEntry({ action: 'sessions.revoked', actor: OTHER_ADMIN, target: TARGET, correlationId: RESET, details: { count: 2, reason: 'password_reset' } }),
      auditEntry({ action: 'password_reset.email_failed', actor: OTHER_ADMIN, target: TARGET, correlationId: RESET, details: { address: 'b@example.org', attempts: 1, reason: '550' } }),
    );
    await nextMillisecond(t);
    await record(t, ...Array.from({ length: 20 }, (_, i) => auditEntry({ action: i % 2 ? 'user.created' : 'password_reset.email_sent', correlationId: null })));
    everything = await walk('', 1000);
  });
  afterAll(async () => {
    await t?.stop();
  });

  const get = (query: string, who: SignedIn = auditor) => t.http().get(`/api/audit/events${query}`).set(who.auth);

  /** Every page of a query, following nextCursor. */
  async function walk(query: string, limit: number, between?: () => Promise<void>): Promise<AuditEvent[]> {
    const items: AuditEvent[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: AuditEvent[]; nextCursor: string | null } = (await get(`?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`).expect(200)).body;
      items.push(...page.items);
      cursor = page.nextCursor;
      if (between) await between();
    } while (cursor);
    return items;
  }

  it('answers auditors and admins with the contract shape, newest first', async () => {
    // 45 seeded here, plus what the app itself recorded (the auditor's creation and password change).
    expect(everything.filter((e) => e.ip === '203.0.113.7')).toHaveLength(45);
    expect(everything.map((e) => e.action)).toEqual(expect.arrayContaining(['user.created', 'user.password_changed']));
    const seqs = everything.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    const failed = everything.find((e) => e.action === 'password_reset.email_failed')!;
    expect(failed).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      seq: expect.any(Number),
      occurredAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      action: 'password_reset.email_failed',
      actor: OTHER_ADMIN,
      target: TARGET,
      ip: '203.0.113.7',
      userAgent: 'jest',
      requestId: expect.any(String),
      correlationId: RESET,
      details: { address: 'b@example.org', attempts: 1, reason: '550' },
    });
    const asAdmin = await get('?limit=5', admin).expect(200);
    expect(asAdmin.body.items.map((e: AuditEvent) => e.seq)).toEqual(seqs.slice(0, 5));
    expect(asAdmin.headers['cache-control']).toBe('no-store');
  });

  it('pages by 100 unless asked otherwise, and up to 1000', async () => {
    const bulkActor = { id: randomUUID(), username: 'bulk' };
    await record(t, ...Array.from({ length: 100 }, () => auditEntry({ action: 'user.password_changed', actor: bulkActor, details: {} })));
    const first = await get('').expect(200);
    expect(first.body.items).toHaveLength(100);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const total = (await walk('', 50)).length;
    expect(total).toBeGreaterThan(145);
    const big = await get('?limit=1000').expect(200);
    expect(big.body.items).toHaveLength(total);
    expect(big.body.nextCursor).toBeNull();
    const exact = await get(`?actorId=${bulkActor.id}&limit=100`).expect(200);
    expect(exact.body.items).toHaveLength(100);
    expect(exact.body.nextCursor).toBeNull();
  });

  describe('filters', () => {
    const expectMatches = async (query: string, predicate: (e: AuditEvent) => boolean) => {
      const expected = everything.filter(predicate).map((e) => e.seq);
      expect(expected.length).toBeGreaterThan(0);
      const found = (await walk(query, 3)).map((e) => e.seq).filter((seq) => seq <= everything[0].seq);
      expect(found).toEqual(expected);
    };

    it('by action, once or repeated', async () => {
      await expectMatches('&action=sessions.revoked', (e) => e.action === 'sessions.revoked');
      await expectMatches('&action=user.email_changed&action=password_reset.email_failed', (e) =>
        ['user.email_changed', 'password_reset.email_failed'].includes(e.action),
      );
    });

    it('by actor, target and correlation id', async () => {
      await expectMatches(`&actorId=${OTHER_ADMIN.id}`, (e) => e.actor?.id === OTHER_ADMIN.id);
      await expectMatches(`&targetId=${TARGET.id}`, (e) => e.target?.id === TARGET.id);
      await expectMatches(`&correlationId=${RESET}`, (e) => e.correlationId === RESET);
      await expectMatches(`&correlationId=${RESET.toUpperCase()}`, (e) => e.correlationId === RESET);
      const nobody = await get(`?actorId=${randomUUID()}`).expect(200);
      expect(nobody.body).toEqual({ items: [], nextCursor: null });
    });

    it('by time: from inclusive, to exclusive, in any zone', async () => {
      const reset = everything.find((e) => e.action === 'password_reset.performed' && e.correlationId === RESET)!;
      const last = everything.find((e) => e.action === 'password_reset.email_failed')!;
      const from = reset.occurredAt;
      const to = everything.find((e) => e.seq > last.seq && e.occurredAt > last.occurredAt)!.occurredAt;
      await expectMatches(`&from=${from}`, (e) => e.occurredAt >= from);
      await expectMatches(`&to=${to}`, (e) => e.occurredAt < to);
      await expectMatches(`&from=${from}&to=${to}`, (e) => e.occurredAt >= from && e.occurredAt < to);
      const shifted = new Date(Date.parse(from) + 3 * 3600_000).toISOString().replace('Z', '+03:00');
      await expectMatches(`&from=${encodeURIComponent(shifted)}&to=${to}`, (e) => e.occurredAt >= from && e.occurredAt < to);
      const empty = await get(`?from=${from}&to=${from}`).expect(200);
      expect(empty.body.items).toEqual([]);
      const future = await get('?from=2999-01-01').expect(200);
      expect(future.body.items).toEqual([]);
    });

    it('combined', async () => {
      await expectMatches(`&actorId=${OTHER_ADMIN.id}&action=password_reset.completed&action=sessions.revoked&correlationId=${RESET}`, (e) =>
        ['password_reset.completed', 'sessions.revoked'].includes(e.action) && e.correlationId === RESET,
      );
    });
  });

  it('walks every row exactly once while new events are being recorded', async () => {
    const before = await walk('', 1000);
    let inserted = 0;
    const walked = await walk('', 7, async () => {
      inserted += (await record(t, auditEntry(), auditEntry())).length;
    });
    expect(inserted).toBeGreaterThan(10);
    expect(walked.map((e) => e.seq)).toEqual(before.map((e) => e.seq));
    const after = await walk('', 1000);
    expect(after).toHaveLength(before.length + inserted);
  });

  describe('refuses bad requests with 400 VALIDATION_FAILED naming the field', () => {
    it.each([
      ['?action=password_reset.deleted', 'action'],
      ['?action=sessions.revoked&action=nope', 'action'],
      ['?action=', 'action'],
      ['?actorId=admin', 'actorId'],
      ['?targetId=123', 'targetId'],
      [`?correlationId=${RESET}x`, 'correlationId'],
      [`?actorId=${RESET}&actorId=${RESET}`, 'actorId'],
      ['?from=yesterday', 'from'],
      ['?from=2026-12-03T09:00:00', 'from'],
      ['?to=2026-02-30', 'to'],
      ['?from=2026-12-02&to=2026-12-01', 'from'],
      ['?limit=0', 'limit'],
      ['?limit=1001', 'limit'],
      ['?limit=ten', 'limit'],
      ['?limit=1.5', 'limit'],
      ['?cursor=not-a-cursor', 'cursor'],
      [`?cursor=${Buffer.from('v1:-1').toString('base64url')}`, 'cursor'],
      ['?format=xml', 'format'],
      ['?sort=asc', 'sort'],
    ])('%s', async (query, field) => {
      expectProblem(await get(query), 400, 'VALIDATION_FAILED', field);
    });
  });

  describe('access', () => {
    const paths = ['/api/audit/events', '/api/audit/events?format=csv', '/api/audit/verify', '/api/audit/summary'];

    it.each(paths)('%s is 401 without a token', async (path) => {
      expectProblem(await t.http().get(path), 401, 'UNAUTHENTICATED');
    });

    it.each(paths)('%s is 403 for a user with neither auditor nor admin role', async (path) => {
      const user = await signedInUser(t, admin, []);
      expectProblem(await t.http().get(path).set(user.auth), 403, 'FORBIDDEN');
    });

    it.each(paths)('%s is open to auditors', async (path) => {
      const response = await t.http().get(path).set(auditor.auth);
      expect(response.status).toBe(200);
    });
  });

  describe('GET /api/audit/summary', () => {
    const summary = (query: string) => t.http().get(`/api/audit/summary${query}`).set(auditor.auth).expect(200);

    it('counts by action over the window', async () => {
      const all = await walk('', 1000);
      const response = await summary('?groupBy=action');
      expect(response.body.groupBy).toBe('action');
      expect(response.body.total).toBe(all.length);
      const revoked = response.body.items.find((i: { key: string }) => i.key === 'sessions.revoked');
      const revokedCount = all.filter((e) => e.action === 'sessions.revoked').length;
      expect(revoked).toEqual({ key: 'sessions.revoked', label: 'sessions.revoked', count: revokedCount, actions: { 'sessions.revoked': revokedCount } });
      const counts = response.body.items.map((i: { count: number }) => i.count);
      expect(counts).toEqual([...counts].sort((a, b) => b - a));
    });

    it('counts per admin, split by action (resets per admin, failed emails)', async () => {
      const response = await summary(`?groupBy=actor&correlationId=${RESET}`);
      expect(response.body.items).toEqual([
        {
          key: OTHER_ADMIN.id,
          label: OTHER_ADMIN.username,
          count: 4,
          actions: { 'password_reset.performed': 1, 'password_reset.completed': 1, 'sessions.revoked': 1, 'password_reset.email_failed': 1 },
        },
      ]);
    });

    it('counts per UTC day', async () => {
      const today = new Date().toISOString().slice(0, 10);
      const response = await summary(`?groupBy=day&action=password_reset.email_failed&from=${today}`);
      expect(response.body).toMatchObject({ groupBy: 'day', total: 1, items: [{ key: today, label: today, count: 1 }] });
      expect(response.body.from).toBe(`${today}T00:00:00.000Z`);
      expect(response.body.to).toBeNull();
    });

    it('refuses a bad grouping or window', async () => {
      expectProblem(await t.http().get('/api/audit/summary?groupBy=week').set(auditor.auth), 400, 'VALIDATION_FAILED', 'groupBy');
      expectProblem(await t.http().get('/api/audit/summary?from=2026-12-02&to=2026-12-01').set(auditor.auth), 400, 'VALIDATION_FAILED', 'from');
    });
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = await t.http().get('/api/docs-json').expect(200);
    const events = doc.body.paths['/api/audit/events'].get;
    expect(events.tags).toEqual(['audit']);
    const query = events.parameters.filter((p: { in: string }) => p.in === 'query');
    expect(query.map((p: { name: string }) => p.name).sort()).toEqual(
      ['action', 'actorId', 'correlationId', 'cursor', 'format', 'from', 'limit', 'targetId', 'to'].sort(),
    );
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/audit/verify', '/api/audit/summary']));
  });
});
