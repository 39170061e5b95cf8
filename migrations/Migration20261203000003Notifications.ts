import { Migration } from '@mikro-orm/migrations';

/** Notifications: the delivery state of each reset's email (the email itself is a pg-boss job). */
export class Migration20261203000003Notifications extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table email_delivery (
        reset_id uuid primary key,
        user_id uuid not null,
        target_username text not null,
        actor_id uuid,
        actor_username text not null,
        address text,
        status text not null check (status in ('queued', 'sending', 'sent', 'failed')),
        attempts int not null default 0 check (attempts >= 0),
        last_error text,
        message_id text,
        sent_at timestamptz,
        origin jsonb,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`);
    this.addSql('create index email_delivery_user_id_idx on email_delivery (user_id)');
  }

  override async down(): Promise<void> {
    this.addSql('drop table email_delivery');
  }
}
