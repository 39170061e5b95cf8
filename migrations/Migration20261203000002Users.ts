import { Migration } from '@mikro-orm/migrations';

/** Users: accounts and admin password resets. */
export class Migration20261203000002Users extends Migration {
  override async up(): Promise<void> {
    // pg_trgm is a trusted extension (PostgreSQL 13+): a database owner may create it.
    this.addSql('create extension if not exists pg_trgm');
    this.addSql(`
      create table app_user (
        id uuid primary key,
        username text not null,
        display_name text not null,
        email text,
        type text not null check (type in ('parent', 'customer', 'supplier', 'employee', 'user')),
        roles text[] not null default '{}' check (roles <@ array['admin', 'auditor']::text[]),
        locale text not null default 'en' check (locale in ('en', 'ar')),
        iqama_encrypted bytea,
        iqama_hash text,
        iqama_last4 text,
        password_hash text,
        password_expires_at timestamptz,
        must_change_password boolean not null default false,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        check (iqama_encrypted is null or type = 'parent')
      )`);
    this.addSql('create unique index app_user_username_key on app_user (username)');
    this.addSql('create unique index app_user_email_key on app_user (lower(email))');
    this.addSql('create unique index app_user_iqama_hash_key on app_user (iqama_hash)');
    // One trigram index over what `search` matches, so a substring search stays an index scan at 100k users.
    this.addSql(`create index app_user_search_trgm_idx on app_user
                 using gin ((lower(username || ' ' || display_name || ' ' || coalesce(email, ''))) gin_trgm_ops)`);
    this.addSql('create index app_user_type_username_idx on app_user (type, username)');
    this.addSql(`
      create table password_reset (
        id uuid primary key,
        user_id uuid not null references app_user (id),
        performed_by_id uuid not null references app_user (id),
        performed_by_username text not null,
        method text not null check (method in ('random', 'iqama')),
        require_password_change boolean not null,
        reason text,
        status text not null default 'pending' check (status in ('pending', 'completed', 'superseded')),
        created_at timestamptz not null,
        complete_by timestamptz not null,
        password_expires_at timestamptz not null,
        completed_at timestamptz,
        send_email boolean,
        logout_sessions boolean,
        email_address text,
        pending_password_encrypted bytea,
        idempotency_key text,
        request_fingerprint text
      )`);
    this.addSql('create index password_reset_user_idx on password_reset (user_id, created_at desc)');
    this.addSql(`create unique index password_reset_idempotency_key on password_reset (performed_by_id, idempotency_key)
                 where idempotency_key is not null`);
    this.addSql(`create index password_reset_pending_secret_idx on password_reset (complete_by)
                 where pending_password_encrypted is not null`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table password_reset');
    this.addSql('drop table app_user');
  }
}
