import { Client } from 'pg';
import { createTestDatabase } from '../../support/test-database';

export { createTestDatabase };

/** The suite's own connection to the app's database, as the superuser, outside the app. */
export class Db {
  private constructor(private readonly client: Client) {}

  static async connect(url: string): Promise<Db> {
    const client = new Client({ connectionString: url });
    client.on('error', () => undefined);
    await client.connect();
    return new Db(client);
  }

  async query<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await this.client.query(text, params)).rows as T[];
  }

  async one<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T> {
    const rows = await this.query<T>(text, params);
    if (rows.length !== 1) throw new Error(`expected one row from ${text}, got ${rows.length}`);
    return rows[0];
  }

  async tableExists(name: string): Promise<boolean> {
    const [row] = await this.query<{ ok: boolean }>(`select to_regclass($1) is not null as ok`, [name]);
    return row.ok;
  }

  /**
   * What a refused request must not change: the rows of the app's own tables. Session last_used_at and
   * outbox bookkeeping move on their own, so they are left out; rate_limit_hit is left out because a
   * refused sign-in is meant to count.
   */
  async fingerprint(): Promise<string> {
    const parts = await this.query<{ part: string }>(`
      select 'app_user:' || count(*) || ':' || coalesce(md5(string_agg(t::text, '|' order by id)), '-') as part from app_user t
      union all
      select 'password_reset:' || count(*) || ':' || coalesce(md5(string_agg(t::text, '|' order by id)), '-') from password_reset t
      union all
      select 'session:' || count(*) || ':' || coalesce(md5(string_agg(concat_ws(',', id, revoked_at, refresh_hash, refresh_generation), '|' order by id)), '-') from session
      union all
      select 'outbox_event:' || count(*) || ':' || coalesce(md5(string_agg(id::text, '|' order by id)), '-') from outbox_event
      union all
      select 'email_delivery:' || count(*) from email_delivery`);
    const audit = (await this.tableExists('audit_event')) ? (await this.one<{ n: string }>('select count(*)::text as n from audit_event')).n : 'absent';
    return [...parts.map((p) => p.part), `audit_event:${audit}`].join(' ');
  }

  /** Starts a transaction on a separate connection; used to hold row or table locks across a crash. */
  static async lockingSession(url: string): Promise<LockingSession> {
    const db = await Db.connect(url);
    await db.query('begin');
    return new LockingSession(db);
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}

export class LockingSession {
  constructor(readonly db: Db) {}

  async pid(): Promise<number> {
    return (await this.db.one<{ pid: number }>('select pg_backend_pid() as pid')).pid;
  }

  async release(): Promise<void> {
    await this.db.query('rollback').catch(() => undefined);
    await this.db.close();
  }
}

/** Resolves once some backend other than `except` waits on a lock held by `holderPid`. */
export async function waitForLockWaiter(db: Db, holderPid: number, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await db.query('select pid from pg_stat_activity where $1 = any(pg_blocking_pids(pid))', [holderPid]);
    if (rows.length > 0) return;
    if (Date.now() > deadline) throw new Error(`no backend waited on the lock of ${holderPid} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
