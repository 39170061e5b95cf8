import { Migration } from '@mikro-orm/migrations';

/** Core: the transactional outbox, consumer receipts and rate-limit counters. */
export class Migration20261203000001CoreOutbox extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table outbox_event (
        id uuid primary key,
        name text not null,
        payload jsonb not null,
        created_at timestamptz not null default now(),
        available_at timestamptz not null default now(),
        locked_until timestamptz,
        attempts int not null default 0,
        dispatched_at timestamptz,
        last_error text
      )`);
    this.addSql(`create index outbox_event_pending_idx on outbox_event (available_at) where dispatched_at is null`);
    this.addSql(`
      create table processed_message (
        consumer text not null,
        event_id uuid not null,
        processed_at timestamptz not null default now(),
        primary key (consumer, event_id)
      )`);
    this.addSql(`create table rate_limit_hit (id bigint generated always as identity primary key, key text not null, at timestamptz not null)`);
    this.addSql(`create index rate_limit_hit_key_at_idx on rate_limit_hit (key, at desc)`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table rate_limit_hit');
    this.addSql('drop table processed_message');
    this.addSql('drop table outbox_event');
  }
}
