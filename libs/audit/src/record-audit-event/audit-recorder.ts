import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { AuditEntry } from '../domain/audit-entry';

/** An arbitrary constant: the advisory lock that makes audit inserts take turns, so the chain never forks. */
export const AUDIT_CHAIN_LOCK = 72_100_201;

/*
 * Why a CTE and not separate round trips: under the lock, one statement reads the chain's tail and
 * inserts the new row with its hash computed by `audit_event_hash` (the same function /verify uses).
 * The lock is taken by a statement of its own first: a statement's snapshot is fixed when it starts, so
 * a tail read in the locking statement could miss a row committed while it waited.
 *
 * `occurred_at` is the database clock at the moment of recording, truncated to milliseconds (what the API
 * shows and what is hashed), and never earlier than the tail's, so time order and seq order agree.
 */
const INSERT_CHAINED = `
  with tail as (
    select hash, occurred_at from audit_event order by seq desc limit 1
  ), fresh as (
    select nextval(pg_get_serial_sequence('audit_event', 'seq')) as seq,
           gen_random_uuid() as id,
           greatest(date_trunc('milliseconds', clock_timestamp()), (select occurred_at from tail)) as occurred_at,
           coalesce((select hash from tail), decode(repeat('00', 32), 'hex')) as prev_hash
     where not exists (select 1 from audit_event where event_id = ?::uuid)
  ), entry as (
    select ?::uuid as event_id, ?::text as action, ?::uuid as actor_id, ?::text as actor_username,
           ?::uuid as target_id, ?::text as target_username, ?::text as ip, ?::text as user_agent,
           ?::text as request_id, ?::uuid as correlation_id, ?::jsonb as details
  )
  insert into audit_event (seq, id, occurred_at, action, actor_id, actor_username, target_id, target_username,
                           ip, user_agent, request_id, correlation_id, details, event_id, prev_hash, hash)
  overriding system value
  select f.seq, f.id, f.occurred_at, e.action, e.actor_id, e.actor_username, e.target_id, e.target_username,
         e.ip, e.user_agent, e.request_id, e.correlation_id, e.details, e.event_id, f.prev_hash,
         audit_event_hash(f.prev_hash, f.seq, f.id, f.occurred_at, e.action, e.actor_id, e.actor_username,
                          e.target_id, e.target_username, e.ip, e.user_agent, e.request_id, e.correlation_id,
                          e.event_id, e.details)
    from fresh f cross join entry e
  on conflict (event_id) do nothing
  returning seq::text as seq`;

/** Appends entries to the hash-chained trail, inside the caller's transaction. */
@Injectable()
export class AuditRecorder {
  /** Returns the new row's seq, or null when this event was recorded before. */
  async record(entry: AuditEntry, em: EntityManager): Promise<string | null> {
    await em.execute('select pg_advisory_xact_lock(?)', [AUDIT_CHAIN_LOCK]);
    const rows = await em.execute<{ seq: string }[]>(INSERT_CHAINED, [
      entry.eventId,
      entry.eventId,
      entry.action,
      entry.actor?.id ?? null,
      entry.actor?.username ?? null,
      entry.target?.id ?? null,
      entry.target?.username ?? null,
      entry.ip,
      entry.userAgent,
      entry.requestId,
      entry.correlationId,
      JSON.stringify(entry.details),
    ]);
    return rows[0]?.seq ?? null;
  }
}
