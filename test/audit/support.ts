import { randomBytes, randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { MikroORM } from '@mikro-orm/postgresql';
import { AUDIT_CHAIN_LOCK, AuditRecorder } from '@app/audit/record-audit-event/audit-recorder';
import type { AuditEntry } from '@app/audit/domain/audit-entry';
import { createUser, eventually, login, SignedIn, TestApp } from '../support/harness';

export const ADMIN_ID = '11111111-1111-4111-8111-111111111111';

/** An audit entry with plausible defaults; override what a test is about. */
export function auditEntry(fields: Partial<AuditEntry> = {}): AuditEntry {
  return {
    eventId: randomUUID(),
    action: 'password_reset.performed',
    actor: { id: ADMIN_ID, username: 'admin' },
    target: { id: randomUUID(), username: 'fatima.k' },
    correlationId: randomUUID(),
    details: { method: 'random', requirePasswordChange: true, reason: null },
    requestId: randomUUID(),
    ip: '203.0.113.7',
    userAgent: 'jest',
    ...fields,
  };
}

/**
 * Records entries through the module's own recorder, one transaction each, as the in-transaction
 * handler would: the rows are chained exactly like real ones. Returns their seqs.
 */
export async function record(t: TestApp, ...entries: AuditEntry[]): Promise<number[]> {
  const recorder = t.app.get(AuditRecorder);
  const orm = t.app.get(MikroORM);
  const seqs: number[] = [];
  for (const entry of entries) {
    const seq = await orm.em.fork().transactional((em) => recorder.record(entry, em));
    if (seq !== null) seqs.push(Number(seq));
  }
  return seqs;
}

/**
 * Waits until the database clock has left the millisecond of the newest event, so the events recorded
 * next start a time window of their own (occurred_at has millisecond precision).
 */
export async function nextMillisecond(t: TestApp): Promise<void> {
  await eventually(async () => {
    const [row] = await t.sql<{ passed: boolean }>(
      `select coalesce(date_trunc('milliseconds', clock_timestamp()) > max(occurred_at), true) as passed from audit_event`,
    );
    return row.passed;
  }, 5000, 'the next millisecond');
}

/**
 * Appends `count` chained rows in one round trip: a loop in the database doing what the recorder does
 * (same lock, same tail, same audit_event_hash), for tests that need thousands of rows quickly.
 */
export async function recordInBulk(
  t: TestApp,
  count: number,
  fields: { action: string; actor: { id: string; username: string }; details?: Record<string, unknown> },
): Promise<void> {
  await t.sql(
    `create or replace function pg_temp.audit_bulk(n int, a text, actor uuid, actor_name text, d jsonb) returns void language plpgsql as $fn$
     begin
       perform pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK});
       for i in 1..n loop
         insert into audit_event (seq, id, occurred_at, action, actor_id, actor_username, target_id, target_username,
                                  ip, user_agent, request_id, correlation_id, details, event_id, prev_hash, hash)
         overriding system value
         select f.seq, f.id, f.occurred_at, a, actor, actor_name, f.target, 'bulk.target', '203.0.113.9', 'bulk', null, null, d,
                f.event_id, f.prev_hash,
                audit_event_hash(f.prev_hash, f.seq, f.id, f.occurred_at, a, actor, actor_name, f.target, 'bulk.target',
                                 '203.0.113.9', 'bulk', null, null, f.event_id, d)
           from (select nextval(pg_get_serial_sequence('audit_event', 'seq')) as seq, gen_random_uuid() as id,
                        gen_random_uuid() as target, gen_random_uuid() as event_id,
                        greatest(date_trunc('milliseconds', clock_timestamp()), tail.occurred_at) as occurred_at,
                        coalesce(tail.hash, decode(repeat('00', 32), 'hex')) as prev_hash
                   from (select 1) one
                   left join lateral (select hash, occurred_at from audit_event order by seq desc limit 1) tail on true) f;
       end loop;
     end $fn$`,
  );
  await t.sql('select pg_temp.audit_bulk($1, $2, $3, $4, $5)', [count, fields.action, fields.actor.id, fields.actor.username, JSON.stringify(fields.details ?? {})]);
}

export function strongPassword(): string {
  return `Qz-${randomBytes(12).toString('base64url')}-7v`;
}

/** A signed-in user with the given roles, past the forced password change. */
export async function signedInUser(t: TestApp, admin: SignedIn, roles: string[]): Promise<SignedIn> {
  const initial = strongPassword();
  const user = await createUser(t, admin, { roles, password: initial });
  const session = await login(t, user.username, initial);
  const change = await t.http().post('/api/auth/change-password').set(session.auth).send({ currentPassword: initial, newPassword: strongPassword() });
  if (change.status !== 204) throw new Error(`change-password failed: ${change.status} ${change.text}`);
  return session;
}

export function expectProblem(response: Response, status: number, code: string, field?: string): void {
  expect({ status: response.status, code: response.body?.code }).toEqual({ status, code });
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  if (field) expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
}

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF records, line breaks inside quotes). */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') record.push(field), (field = '');
    else if (c === '\r' && text[i + 1] === '\n') record.push(field), records.push(record), (record = []), (field = ''), i++;
    else field += c;
  }
  if (field !== '' || record.length > 0) record.push(field), records.push(record);
  return records;
}
