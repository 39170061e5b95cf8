import { Migration } from '@mikro-orm/migrations';

/**
 * Audit: the append-only, hash-chained `audit_event` table.
 *
 * Chain. Every row stores `hash = sha256(prev_hash || canonical(row))`, `prev_hash` being the hash of the
 * row before it (32 zero bytes for the first); canonical(row) is every column but the hashes, in binary
 * field encodings (see audit_event_hash). `audit_event_hash` below is the one definition of the
 * canonical form: the recorder calls it when inserting and `/audit/verify` calls it when recomputing, so
 * the two cannot drift apart (libs/audit/src/domain/audit-hash.ts mirrors it for tools outside the
 * database, and a test holds the two equal). Inserts take a transaction-scoped advisory lock, so rows are
 * chained one at a time; the unique index on `prev_hash` makes a fork impossible even for a writer that
 * forgot the lock.
 *
 * Time. `occurred_at` is database time, truncated to milliseconds (what the API shows, and what is
 * hashed, so the hash does not depend on how a client rounds). The recorder sets it under the chain lock
 * and never lower than the previous row's, so `occurred_at` never decreases along `seq`: a time window is
 * then a contiguous `seq` range, which is how the reporting queries turn `from`/`to` into index bounds.
 *
 * Indexes, chosen from EXPLAIN ANALYZE on 1,000,000 rows (50 admins, 100,000 targets, two years; the
 * plans and timings are in bench/AUDIT-RESULTS.md). Every listing is "filters, newest first, keyset on
 * seq": `where <filter> and seq < :cursor order by seq desc limit n`, so each filter gets a (column, seq)
 * index that is walked backwards from the cursor and stops after n rows, at any depth. Page times with
 * the index / without it (the planner's next best):
 * - (target_id, seq): 0.3 ms / 306 ms (a user has ~10 events: without it, the whole table is sorted).
 * - (correlation_id, seq): 0.2 ms / 197 ms (a reset has ~4 events).
 * - (occurred_at, seq): two probes turn from/to into a seq range, 0.5 ms / 863 ms for a 7-day window.
 * - (action, seq): 0.7-1.0 ms / 6.5 ms for a 1 % action (the primary key walk skips 99 rows in 100); a
 *   common action is served as well by the primary key, and the planner picks it. Several actions are
 *   read as one branch per action merged in seq order (see ListAuditEventsHandler).
 * - (actor_id, seq): 0.5 ms / 4-6 ms with 50 equally busy admins, and far worse for a rarely active one
 *   (the primary key walk skips everyone else's events).
 * - (actor_id, action, seq): "this admin's resets" or "this admin's failed emails", the dashboard's
 *   question: 0.5 ms / 14.5 ms (a bitmap AND of the two single-column indexes, then a sort).
 * No index on `id` (nothing looks rows up by it) or on details.
 */
export class Migration20261203000004Audit extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table audit_event (
        seq bigint generated always as identity primary key,
        id uuid not null default gen_random_uuid(),
        occurred_at timestamptz not null default date_trunc('milliseconds', now()),
        action text not null,
        actor_id uuid,
        actor_username text,
        target_id uuid,
        target_username text,
        ip text,
        user_agent text,
        request_id text,
        correlation_id uuid,
        details jsonb not null default '{}'::jsonb,
        event_id uuid not null,
        prev_hash bytea not null,
        hash bytea not null,
        constraint audit_event_event_id_key unique (event_id),
        constraint audit_event_prev_hash_key unique (prev_hash),
        -- Action names are plain identifiers: the CSV export relies on it to write them unquoted.
        constraint audit_event_action_name check (action ~ '^[a-z][a-z_]*(\.[a-z][a-z_]*)*$'),
        constraint audit_event_hash_length check (octet_length(hash) = 32 and octet_length(prev_hash) = 32),
        constraint audit_event_details_object check (jsonb_typeof(details) = 'object')
      )`);

    // The canonical form is bytes, not text: binary field encodings cost PostgreSQL about 40 % less CPU
    // per row than formatting every field as text (3.7 vs 6.2 µs measured), and /verify is that cost times
    // the table. Lengths are in bytes, which octet_length gives only in a UTF-8 database.
    this.addSql(`
      do $$ begin
        if current_setting('server_encoding') <> 'UTF8' then
          raise exception 'the audit hash chain needs a UTF8 database, not %', current_setting('server_encoding');
        end if;
      end $$`);
    // A text field: its byte length as int4, then its UTF-8 bytes; null is the length -1.
    this.addSql(`
      create function audit_hash_text(value text) returns bytea
        language sql stable parallel safe
        as $$ select case when value is null then int4send(-1) else int4send(octet_length(value)) || convert_to(value, 'UTF8') end $$`);
    // A nullable uuid: 0x00 for null, else 0x01 and its 16 bytes.
    this.addSql(`
      create function audit_hash_uuid(value uuid) returns bytea
        language sql immutable parallel safe
        as $$ select case when value is null then '\\x00'::bytea else '\\x01'::bytea || uuid_send(value) end $$`);
    // Stable rather than immutable only because convert_to is; declared so, the planner inlines it into
    // the verify query, which then runs as a parallel scan.
    this.addSql(`
      create function audit_event_hash(
        prev_hash bytea, seq bigint, id uuid, occurred_at timestamptz, action text,
        actor_id uuid, actor_username text, target_id uuid, target_username text,
        ip text, user_agent text, request_id text, correlation_id uuid, event_id uuid, details jsonb
      ) returns bytea
        language sql stable parallel safe
        as $$ select sha256(
          prev_hash
          || '\\x01'::bytea -- version of the canonical form
          || int8send(seq)
          || uuid_send(id)
          || timestamptz_send(occurred_at) -- microseconds since 2000-01-01 UTC, big-endian int8
          || audit_hash_text(action)
          || audit_hash_uuid(actor_id)
          || audit_hash_text(actor_username)
          || audit_hash_uuid(target_id)
          || audit_hash_text(target_username)
          || audit_hash_text(ip)
          || audit_hash_text(user_agent)
          || audit_hash_text(request_id)
          || audit_hash_uuid(correlation_id)
          || uuid_send(event_id)
          || audit_hash_text(details::text)) $$`);

    this.addSql(`
      create function audit_event_refuse_change() returns trigger
        language plpgsql
        as $$
        begin
          raise exception 'audit_event is append-only: % is not allowed', tg_op
            using errcode = 'insufficient_privilege',
                  hint = 'Audit events cannot be changed or deleted.';
        end
        $$`);
    // Statement-level, so even a statement that would touch no row is refused. ENABLE ALWAYS makes them
    // fire in replica mode too (session_replication_role = replica), which would otherwise skip them.
    this.addSql(`create trigger audit_event_refuse_update_delete before update or delete on audit_event
                 for each statement execute function audit_event_refuse_change()`);
    this.addSql(`create trigger audit_event_refuse_truncate before truncate on audit_event
                 for each statement execute function audit_event_refuse_change()`);
    this.addSql('alter table audit_event enable always trigger audit_event_refuse_update_delete');
    this.addSql('alter table audit_event enable always trigger audit_event_refuse_truncate');

    this.addSql('create index audit_event_occurred_at_idx on audit_event (occurred_at, seq)');
    this.addSql('create index audit_event_action_idx on audit_event (action, seq)');
    this.addSql('create index audit_event_actor_idx on audit_event (actor_id, seq) where actor_id is not null');
    this.addSql('create index audit_event_actor_action_idx on audit_event (actor_id, action, seq) where actor_id is not null');
    this.addSql('create index audit_event_target_idx on audit_event (target_id, seq) where target_id is not null');
    this.addSql('create index audit_event_correlation_idx on audit_event (correlation_id, seq) where correlation_id is not null');
  }

  override async down(): Promise<void> {
    this.addSql('drop table audit_event');
    this.addSql('drop function audit_event_refuse_change()');
    this.addSql('drop function audit_event_hash(bytea, bigint, uuid, timestamptz, text, uuid, text, uuid, text, text, text, text, uuid, uuid, jsonb)');
    this.addSql('drop function audit_hash_uuid(uuid)');
    this.addSql('drop function audit_hash_text(text)');
  }
}
