import { Migration } from '@mikro-orm/migrations';

/** Sessions: one row per sign-in, checked on every request. */
export class Migration20261203000005Sessions extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table session (
        id uuid primary key,
        user_id uuid not null,
        refresh_hash text not null,
        refresh_generation int not null default 0,
        created_at timestamptz not null,
        last_used_at timestamptz not null,
        expires_at timestamptz not null,
        ip text,
        user_agent text,
        revoked_at timestamptz,
        revoked_reason text,
        revoked_correlation_id uuid
      )`);
    this.addSql('create index session_user_active_idx on session (user_id, created_at) where revoked_at is null');
    this.addSql('create index session_revoked_correlation_idx on session (revoked_correlation_id) where revoked_correlation_id is not null');
  }

  override async down(): Promise<void> {
    this.addSql('drop table session');
  }
}
