import { randomUUID } from 'node:crypto';
import { auditEventHash, GENESIS_HASH } from '@app/audit/domain/audit-hash';
import { loginAdmin, SignedIn, startApp, TestApp } from '../support/harness';
import { auditEntry, expectProblem, nextMillisecond, record } from './support';

interface StoredRow {
  seq: string;
  id: string;
  occurred_at: Date;
  action: string;
  actor_id: string | null;
  actor_username: string | null;
  target_id: string | null;
  target_username: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  correlation_id: string | null;
  event_id: string;
  details: unknown;
  prev_hash: Buffer;
  hash: Buffer;
}

describe('audit trail storage', () => {
  let t: TestApp;
  let admin: SignedIn;

  beforeAll(async () => {
    t = await startApp();
    admin = await loginAdmin(t);
  });
  afterAll(async () => {
    await t?.stop();
  });

  const rows = () => t.sql<StoredRow>('select * from audit_event order by seq');
  const verify = (query = '') => t.http().get(`/api/audit/verify${query}`).set(admin.auth);

  it('stores database time truncated to milliseconds, never earlier than the row before', async () => {
    await record(t, auditEntry(), auditEntry(), auditEntry());
    const stored = await t.sql<{ truncated: boolean; ordered: boolean }>(
      `select bool_and(occurred_at = date_trunc('milliseconds', occurred_at)) as truncated,
              bool_and(occurred_at >= coalesce(before, occurred_at)) as ordered
         from (select occurred_at, lag(occurred_at) over (order by seq) as before from audit_event) x`,
    );
    expect(stored[0]).toEqual({ truncated: true, ordered: true });
  });

  it('records an event once, however often it is delivered', async () => {
    const entry = auditEntry();
    const seqs = await record(t, entry, entry, { ...entry, action: 'password_reset.completed' });
    expect(seqs).toHaveLength(1);
    expect(await t.sql('select 1 from audit_event where event_id = $1', [entry.eventId])).toHaveLength(1);
  });

  it('chains every row to the one before with the canonical hash (the TypeScript mirror agrees with the database)', async () => {
    await record(
      t,
      auditEntry({
        actor: null,
        target: { id: randomUUID(), username: 'فاطمة' },
        correlationId: null,
        userAgent: 'Mozilla/5.0 (X11; "quoted", comma)\n\ttab',
        ip: null,
        details: { reason: 'tab\t "q" \\ \u0001 عربي 😀 =1+1', zz: true, a: 1, nested: ['x', 'y'], none: null },
      }),
    );
    const stored = await rows();
    let previous = GENESIS_HASH;
    for (const row of stored) {
      expect(row.prev_hash.equals(previous)).toBe(true);
      const expected = auditEventHash(row.prev_hash, {
        seq: row.seq,
        id: row.id,
        occurredAt: row.occurred_at,
        action: row.action,
        actorId: row.actor_id,
        actorUsername: row.actor_username,
        targetId: row.target_id,
        targetUsername: row.target_username,
        ip: row.ip,
        userAgent: row.user_agent,
        requestId: row.request_id,
        correlationId: row.correlation_id,
        eventId: row.event_id,
        details: row.details,
      });
      expect(row.hash.toString('hex')).toBe(expected.toString('hex'));
      previous = row.hash;
    }
  });

  it('never forks the chain when many transactions record at once', async () => {
    await Promise.all(Array.from({ length: 25 }, () => record(t, auditEntry())));
    const [links] = await t.sql<{ rows: number; distinct_prev: number; broken: number }>(
      `select count(*)::int as rows, count(distinct prev_hash)::int as distinct_prev,
              count(*) filter (where prev_hash is distinct from coalesce(before, decode(repeat('00', 32), 'hex')))::int as broken
         from (select prev_hash, lag(hash) over (order by seq) as before from audit_event) x`,
    );
    expect(links.distinct_prev).toBe(links.rows);
    expect(links.broken).toBe(0);
    const response = await verify().expect(200);
    expect(response.body).toEqual({ valid: true, checked: links.rows, firstInvalidSeq: null });
  });

  describe('refuses changes through any path, the database included', () => {
    it.each([
      ['UPDATE', `update audit_event set action = 'user.created'`],
      ['UPDATE of no row', `update audit_event set action = 'user.created' where false`],
      ['DELETE', 'delete from audit_event'],
      ['TRUNCATE', 'truncate audit_event'],
    ])('%s as the superuser', async (_what, statement) => {
      await expect(t.sql(statement)).rejects.toThrow(/audit_event is append-only/);
    });

    it('UPDATE, DELETE and TRUNCATE as the owner of the table, and in replica mode', async () => {
      const role = `audit_owner_${randomUUID().replace(/-/g, '').slice(0, 8)}`;
      await t.sql(`create role ${role}`);
      await t.sql(`alter table audit_event owner to ${role}`);
      try {
        for (const statement of ['update audit_event set ip = null', 'delete from audit_event', 'truncate audit_event']) {
          await expect(t.sql(`begin; set local role ${role}; ${statement}; commit`)).rejects.toThrow(/append-only/);
          await t.sql('rollback');
        }
        await expect(t.sql(`begin; set local session_replication_role = replica; delete from audit_event; commit`)).rejects.toThrow(/append-only/);
        await t.sql('rollback');
      } finally {
        await t.sql('alter table audit_event owner to current_user');
        await t.sql(`drop role ${role}`);
      }
    });

    it('leaves the rows as they were', async () => {
      const before = await t.sql<{ count: string }>('select count(*) from audit_event');
      expect(Number(before[0].count)).toBeGreaterThan(0);
      expect((await verify().expect(200)).body.valid).toBe(true);
    });
  });

  describe('verify', () => {
    it('reports an intact chain as valid, for the whole trail and for a window', async () => {
      const all = await verify().expect(200);
      expect(all.body).toMatchObject({ valid: true, firstInvalidSeq: null });
      const stored = await t.sql<{ occurred_at: string }>(
        `select to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as occurred_at from audit_event order by seq`,
      );
      const from = stored[Math.floor(stored.length / 2)].occurred_at;
      const inWindow = stored.filter((row) => row.occurred_at >= from).length;
      const window = await verify(`?from=${from}`).expect(200);
      expect(window.body).toEqual({ valid: true, checked: inWindow, firstInvalidSeq: null });
      expect((await verify('?from=2000-01-01&to=2000-01-02').expect(200)).body).toEqual({ valid: true, checked: 0, firstInvalidSeq: null });
    });

    it('finds a row a superuser altered with the triggers disabled, and only inside the window asked about', async () => {
      await nextMillisecond(t);
      const seqs = await record(t, auditEntry(), auditEntry({ details: { method: 'random', requirePasswordChange: true, reason: 'ticket 1' } }));
      await nextMillisecond(t);
      const [after] = await record(t, auditEntry());
      const tampered = seqs[1];
      await tamper(`update audit_event set details = '{"method": "random", "requirePasswordChange": false, "reason": "ticket 1"}' where seq = ${tampered}`);
      expect((await verify().expect(200)).body).toMatchObject({ valid: false, firstInvalidSeq: tampered });
      expect((await verify(`?from=${encodeURIComponent(await occurredAt(seqs[0]))}`).expect(200)).body).toMatchObject({ valid: false, firstInvalidSeq: tampered });
      expect((await verify(`?from=${encodeURIComponent(await occurredAt(after))}`).expect(200)).body).toEqual({ valid: true, checked: 1, firstInvalidSeq: null });
    });

    it('finds a row whose hash was recomputed to match, by the next row that no longer chains to it', async () => {
      await nextMillisecond(t);
      const seqs = await record(t, auditEntry(), auditEntry(), auditEntry());
      await tamper(`update audit_event set actor_username = 'someone-else',
                      hash = audit_event_hash(prev_hash, seq, id, occurred_at, action, actor_id, 'someone-else', target_id,
                                              target_username, ip, user_agent, request_id, correlation_id, event_id, details)
                    where seq = ${seqs[1]}`);
      const response = await verify(`?from=${encodeURIComponent(await occurredAt(seqs[0]))}`).expect(200);
      expect(response.body).toMatchObject({ valid: false, firstInvalidSeq: seqs[2] });
    });

    it('finds a deleted row, by the row after it', async () => {
      await nextMillisecond(t);
      const seqs = await record(t, auditEntry(), auditEntry(), auditEntry());
      await tamper(`delete from audit_event where seq = ${seqs[1]}`);
      const response = await verify(`?from=${encodeURIComponent(await occurredAt(seqs[0]))}`).expect(200);
      expect(response.body).toMatchObject({ valid: false, firstInvalidSeq: seqs[2] });
    });

    it('refuses bad windows with 400 naming the field', async () => {
      expectProblem(await verify('?from=yesterday'), 400, 'VALIDATION_FAILED', 'from');
      expectProblem(await verify('?to=2026-13-01'), 400, 'VALIDATION_FAILED', 'to');
      expectProblem(await verify('?from=2026-12-02&to=2026-12-01'), 400, 'VALIDATION_FAILED', 'from');
      expectProblem(await verify('?limit=5'), 400, 'VALIDATION_FAILED', 'limit');
    });
  });

  /** What an attacker with superuser rights could do: switch the triggers off, change history, switch them on. */
  async function tamper(statement: string): Promise<void> {
    await t.sql(`begin; alter table audit_event disable trigger all; ${statement}; alter table audit_event enable trigger all; commit`);
  }

  async function occurredAt(seq: number): Promise<string> {
    const [row] = await t.sql<{ occurred_at: string }>(
      `select to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as occurred_at from audit_event where seq = $1`,
      [seq],
    );
    return row.occurred_at;
  }
});
