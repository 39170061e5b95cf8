import type { Test } from 'supertest';
import { Api, eventually, SignedIn } from './support/api';
import { BCRYPT_COST, Instance } from './support/cluster';
import { Db, waitForLockWaiter } from './support/db';
import { OwnPostgres } from './support/own-postgres';
import { scanForSecrets, SecretLedger } from './support/secrets';
import { ControlledSmtp } from './support/smtp';
import { removeLogsOf } from './support/suite';

jest.setTimeout(60000);

/** No request may take longer than this, outage or not. */
const REQUEST_DEADLINE_MS = 10000;

type Phase = 'before' | 'stopping' | 'down' | 'restarting' | 'after';

interface Outcome {
  phase: Phase;
  op: string;
  status: number;
  contentType: string;
  code?: string;
  retryAfter?: string;
  ms: number;
  failure?: string;
}

/**
 * The built app against a PostgreSQL server the test owns: the server stops while requests flow and
 * starts again; the SMTP server goes away and comes back.
 */
describe('outages', () => {
  let pg: OwnPostgres;
  let smtp: ControlledSmtp;
  let app: Instance;
  let db: Db;
  let admin: SignedIn;
  const secrets = new SecretLedger();
  const api = new Api(secrets);
  let recoveredAt = 0;
  /** A completion caught by the outage after its commit, while its sessions saga waits on a lock. */
  let cutOff: { resetId: string; answer: { status: number; contentType: string; code?: string } };

  beforeAll(async () => {
    removeLogsOf('outage');
    pg = await OwnPostgres.start();
    smtp = await ControlledSmtp.start();
    app = new Instance('outage', { name: 'A', databaseUrl: pg.url, smtpUrl: smtp.url, env: { RESET_MAX_PER_ADMIN_PER_MINUTE: '1000' } });
    await app.start(60000);
    db = await Db.connect(pg.url);
    admin = await api.loginAdmin(app);
  }, 120000);

  afterAll(async () => {
    await app?.stop();
    await db?.close();
    await smtp?.stop();
    await pg?.destroy();
  });

  it('answers 503 problem+json (never a 500, never a hang) while PostgreSQL is down, recovers by itself, and applies no reset by halves', async () => {
    const outcomes: Outcome[] = [];
    const resets: { id: string; userId: string }[] = [];
    const completed: string[] = [];
    let phase: Phase = 'before';
    let running = true;

    const call = async (op: string, make: () => Test): Promise<{ status: number; body: Record<string, unknown> }> => {
      const startedIn = phase;
      const started = Date.now();
      try {
        const response = await make().timeout({ response: REQUEST_DEADLINE_MS, deadline: REQUEST_DEADLINE_MS });
        const contentType = String(response.headers['content-type'] ?? '');
        const body = contentType.includes('json') ? JSON.parse(response.text || '{}') : {};
        outcomes.push({ phase: startedIn, op, status: response.status, contentType, code: body.code, retryAfter: response.headers['retry-after'], ms: Date.now() - started });
        return { status: response.status, body };
      } catch (error) {
        outcomes.push({ phase: startedIn, op, status: 0, contentType: '', ms: Date.now() - started, failure: (error as Error).message });
        return { status: 0, body: {} };
      }
    };

    const worker = async (n: number) => {
      for (let i = 0; running; i++) {
        switch ((i + n) % 4) {
          case 0:
            await call('list users', () => app.http().get('/api/users?limit=5').set(admin.auth));
            break;
          case 1:
            await call('me', () => app.http().get('/api/auth/me').set(admin.auth));
            break;
          case 2:
            await call('ready', () => app.http().get('/api/health/ready'));
            break;
          default: {
            const username = `out${Date.now().toString(36)}${n}${i}`;
            const created = await call('create user', () =>
              app.http().post('/api/users').set(admin.auth).send({ username, displayName: username, type: 'employee', email: `${username}@example.org` }),
            );
            if (created.status !== 201) break;
            const userId = created.body.id as string;
            const reset = await call('reset', () => app.http().post(`/api/users/${userId}/password-resets`).set(admin.auth).send({ reason: 'outage' }));
            if (reset.status !== 201) break;
            resets.push({ id: reset.body.id as string, userId });
            secrets.add('password', reset.body.password as string);
            const done = await call('complete', () =>
              app.http().post(`/api/users/${userId}/password-resets/${reset.body.id}/complete`).set(admin.auth).send({ sendEmail: true, logoutSessions: true }),
            );
            if (done.status === 200) completed.push(reset.body.id as string);
          }
        }
      }
    };

    const count = (p: Phase, ok?: boolean) => outcomes.filter((o) => o.phase === p && (ok === undefined || (o.status >= 200 && o.status < 300) === ok)).length;
    const workers = [0, 1, 2].map(worker);
    try {
      await eventually(async () => count('before', true) >= 12, 30000, 'traffic before the outage');
      const target = await api.userWhoCanSignIn(app, admin);
      await api.login(app, target.username, target.password);
      const reset = await api.reset(app, admin, target.id);
      const lock = await Db.lockingSession(pg.url);
      await lock.db.query('select id from session where user_id = $1 for update', [target.id]);
      const answer = app
        .http()
        .post(`/api/users/${target.id}/password-resets/${reset.id}/complete`)
        .set(admin.auth)
        .send({ sendEmail: true, logoutSessions: true })
        .timeout({ response: REQUEST_DEADLINE_MS, deadline: REQUEST_DEADLINE_MS })
        .then((r) => ({ status: r.status, contentType: String(r.headers['content-type']), code: JSON.parse(r.text || '{}').code as string | undefined }));
      await waitForLockWaiter(db, await lock.pid());
      phase = 'stopping';
      await pg.stop();
      await lock.release();
      cutOff = { resetId: reset.id, answer: await answer };
      phase = 'down';
      await eventually(async () => count('down') >= 24, 30000, 'requests answered during the outage');
      phase = 'restarting';
      await pg.start();
      await eventually(async () => (await fetch(`${app.url}/api/health/ready`)).status === 200, 30000, '/api/health/ready to answer 200 again');
      recoveredAt = Date.now();
      phase = 'after';
      await eventually(async () => count('after', true) >= 12 && outcomes.some((o) => o.phase === 'after' && o.op === 'complete' && o.status === 200), 30000, 'traffic after the outage');
    } finally {
      running = false;
      await Promise.all(workers);
    }

    // Never a hang, never a dropped connection, never a 5xx but 503.
    expect(outcomes.filter((o) => o.status === 0)).toEqual([]);
    expect(outcomes.filter((o) => o.status >= 500 && o.status !== 503)).toEqual([]);
    // Every refusal is problem+json with a code; a 503 says when to come back.
    for (const o of outcomes.filter((o) => o.status >= 400)) {
      expect({ ...o, contentType: o.contentType.split(';')[0] }).toEqual(expect.objectContaining({ contentType: 'application/problem+json', code: expect.stringMatching(/^[A-Z_]+$/) }));
    }
    // While the database was down, everything that needs it answered 503.
    const down = outcomes.filter((o) => o.phase === 'down');
    expect(down.length).toBeGreaterThanOrEqual(24);
    expect(down.filter((o) => o.status !== 503)).toEqual([]);
    expect(down.filter((o) => o.op === 'ready').length).toBeGreaterThan(0);
    // After it came back, everything worked again, and the process is the same one.
    expect(outcomes.filter((o) => o.phase === 'after' && (o.status < 200 || o.status >= 300))).toEqual([]);
    expect(app.running).toBe(true);
    expect(app.life).toBe(1);

    db = await Db.connect(pg.url);
    // No reset applied by halves: every reset row goes with its user's password change (and audit row).
    const orphans = await db.query(
      `select r.id from password_reset r join app_user u on u.id = r.user_id
        where r.created_at = (select max(created_at) from password_reset where user_id = r.user_id)
          and (u.password_expires_at is distinct from r.password_expires_at or u.must_change_password is distinct from r.require_password_change)`,
    );
    expect(orphans).toEqual([]);
    const rows = await db.query<{ id: string; status: string }>('select id, status from password_reset');
    for (const reset of resets) expect(rows.map((r) => r.id)).toContain(reset.id);
    for (const id of completed) expect(rows.find((r) => r.id === id)?.status).toBe('completed');
    if (await db.tableExists('audit_event')) {
      const unaudited = await db.query(
        `select r.id from password_reset r where not exists (select 1 from audit_event a where a.correlation_id = r.id and a.action = 'password_reset.performed')
            or (r.status = 'completed' and not exists (select 1 from audit_event a where a.correlation_id = r.id and a.action = 'password_reset.completed'))`,
      );
      expect(unaudited).toEqual([]);
    }
  }, 200000);

  it('answers a completion cut off by the outage after its commit as saved (DELIVERY_PENDING), not as a failure that changed nothing', async () => {
    expect(cutOff.answer.status).toBe(503);
    expect(cutOff.answer.contentType).toMatch(/^application\/problem\+json/);
    const { status } = await db.one<{ status: string }>('select status from password_reset where id = $1', [cutOff.resetId]);
    // "A failed request changes nothing": a 503 that did change something must say so, or the admin reads
    // "nothing happened", retries, and gets RESET_ALREADY_COMPLETED while the old sessions still work.
    expect({ status, code: cutOff.answer.code }).toEqual(status === 'pending' ? { status, code: 'SERVICE_UNAVAILABLE' } : { status, code: 'DELIVERY_PENDING' });
  });

  it('keeps emails while the SMTP server is away and sends each once when it is back', async () => {
    await smtp.stop();
    const resets: string[] = [];
    for (let i = 0; i < 3; i++) {
      const user = await api.createUser(app, admin, { type: 'supplier' });
      const reset = await api.reset(app, admin, user.id);
      await api.complete(app, admin, user.id, reset.id, { sendEmail: true, logoutSessions: false });
      resets.push(reset.id);
    }
    await eventually(
      async () => {
        const rows = await db.query<{ status: string; attempts: number; last_error: string | null }>(
          'select status, attempts, last_error from email_delivery where reset_id = any($1::uuid[])',
          [resets],
        );
        return rows.length === 3 && rows.every((r) => r.status === 'queued' && r.attempts >= 1 && r.last_error);
      },
      30000,
      'a failed try on each delivery while SMTP is down',
    );
    const status = await app.http().get(`/api/users/${(await db.one<{ user_id: string }>('select user_id from password_reset where id = $1', [resets[0]])).user_id}/password-resets/${resets[0]}`).set(admin.auth).expect(200);
    expect(status.body.email.delivery).toBe('queued');
    expect(status.body.email.lastError).toEqual(expect.any(String));
    expect(smtp.messages.filter((m) => resets.some((id) => m.messageId?.includes(id)))).toEqual([]);

    await smtp.listen();
    await eventually(async () => resets.every((id) => smtp.messages.some((m) => m.messageId?.includes(id))), 60000, 'the three emails');
    await eventually(
      async () => {
        const [row] = await db.query<{ open: number }>(
          `select (select count(*) from email_delivery where reset_id = any($1::uuid[]) and status <> 'sent')::int
                + (select count(*) from pgboss.job where name = 'password-reset-email' and singleton_key = any($1::text[]) and state < 'completed')::int as open`,
          [resets],
        );
        return row.open === 0;
      },
      30000,
      'the deliveries to be recorded sent',
    );
    for (const id of resets) expect(smtp.messages.filter((m) => m.messageId?.includes(id))).toHaveLength(1);
  }, 120000);

  it('gives every completion that committed, answered or not, its revocation and its one email once the database is back', async () => {
    await eventually(
      async () => {
        const [row] = await db.query<{ open: number }>(
          `select count(*)::int as open from password_reset r
            where r.status = 'completed'
              and (exists (select 1 from session s where s.user_id = r.user_id and s.revoked_at is null and s.created_at < r.created_at and r.logout_sessions)
                   or (r.send_email and not exists (select 1 from email_delivery d where d.reset_id = r.id and d.status = 'sent')))
              or exists (select 1 from pgboss.job j where j.name = 'password-reset-email' and j.singleton_key = r.id::text and j.state < 'completed')`,
        );
        return row.open === 0;
      },
      Math.max(5000, recoveredAt + 120_000 - Date.now()),
      'every committed completion to be followed up within two minutes of the recovery',
    );
    const sent = await db.query<{ reset_id: string; attempts: number }>(`select reset_id, attempts from email_delivery`);
    expect(sent.length).toBeGreaterThan(0);
    for (const { reset_id, attempts } of sent) {
      const copies = smtp.messages.filter((m) => m.messageId?.includes(reset_id));
      if (copies.length === 2) {
        // At least once: the SMTP server accepted the first copy while the database was down, so the job
        // could not record it as sent and sent it again. The copies carry the same Message-ID.
        expect({ reset_id, firstAcceptedDuringOutage: copies[0].acceptedAt < recoveredAt, sameMessageId: copies[0].messageId === copies[1].messageId, attempts }).toEqual({
          reset_id,
          firstAcceptedDuringOutage: true,
          sameMessageId: true,
          attempts: 2,
        });
      } else expect({ reset_id, copies: copies.length }).toEqual({ reset_id, copies: 1 });
    }
  }, 150000);

  it('leaves no secret in the logs, the tables or the job payloads', async () => {
    const result = await scanForSecrets(db, secrets, app.logFiles, BCRYPT_COST);
    expect(result.findings).toEqual([]);
  });
});
