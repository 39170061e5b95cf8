import { readFileSync } from 'node:fs';
import { eventually, expectProblem, SignedIn } from './support/api';
import { BCRYPT_COST } from './support/cluster';
import { scanForSecrets } from './support/secrets';
import { declaredMigrations, inBatches, Rig, startRig } from './support/suite';

jest.setTimeout(60000);

/**
 * Two built instances on one database and one SMTP sink, started at the same moment on an empty
 * database: migrations, cross-instance revocation, 50 resets with email, and the sign-in limits.
 */
describe('two instances, one database', () => {
  const WINDOW_SECONDS = 8;
  let rig: Rig;
  let adminA: SignedIn;
  let adminB: SignedIn;

  beforeAll(async () => {
    rig = await startRig({
      suite: 'cluster',
      instances: 2,
      together: true,
      env: { RESET_MAX_PER_ADMIN_PER_MINUTE: '1000', TRUST_PROXY: 'true', LOGIN_FAILURE_WINDOW_SECONDS: String(WINDOW_SECONDS) },
    });
    adminA = await rig.api.loginAdmin(rig.cluster.a);
    adminB = await rig.api.loginAdmin(rig.cluster.b);
  }, 90000);

  afterAll(async () => {
    await rig?.stop();
  });

  it('migrates an empty database once when both instances start at the same moment', async () => {
    const declared = declaredMigrations();
    expect(declared.length).toBeGreaterThan(0);
    const rows = await rig.db.query<{ name: string; n: number }>('select name, count(*)::int as n from mikro_orm_migrations group by name order by name');
    expect(rows.map((r) => r.name).sort()).toEqual([...declared].sort());
    expect(rows.every((r) => r.n === 1)).toBe(true);
    const logs = rig.cluster.logFiles.map((file) => readFileSync(file, 'utf8'));
    expect(logs.filter((log) => log.includes('Applied migrations')).length).toBe(1);
    for (const log of logs) expect(log).not.toMatch(/Start-up failed|"level":50/);
  });

  it('refuses a session revoked through A on B at the very next request', async () => {
    const { a, b } = rig.cluster;
    const user = await rig.api.userWhoCanSignIn(a, adminA);
    const onB = await rig.api.login(b, user.username, user.password);
    await a.http().get('/api/auth/me').set(onB.auth).expect(200);
    await b.http().get('/api/auth/me').set(onB.auth).expect(200);
    await a.http().post('/api/auth/logout').set(onB.auth).expect(204);
    expectProblem(await b.http().get('/api/auth/me').set(onB.auth), 401, 'UNAUTHENTICATED');
    expectProblem(await b.http().post('/api/auth/refresh').send({ refreshToken: onB.refreshToken }), 401);

    // The admin's "Logout Existing Sessions" through A holds on B the moment A answers.
    const s1 = await rig.api.login(a, user.username, user.password);
    const s2 = await rig.api.login(b, user.username, user.password);
    const reset = await rig.api.reset(b, adminB, user.id, { requirePasswordChange: false });
    await rig.api.complete(a, adminA, user.id, reset.id, { sendEmail: false, logoutSessions: true });
    expectProblem(await b.http().get('/api/auth/sessions').set(s2.auth), 401, 'UNAUTHENTICATED');
    expectProblem(await b.http().get('/api/auth/me').set(s1.auth), 401, 'UNAUTHENTICATED');
    expectProblem(await b.http().post('/api/auth/refresh').send({ refreshToken: s1.refreshToken }), 401);
    expectProblem(await a.http().post('/api/auth/refresh').send({ refreshToken: s2.refreshToken }), 401);
    // The new password works on both.
    await rig.api.login(b, user.username, reset.password!);
  });

  it('sends exactly one email per reset for 50 resets spread over both instances, with one set of audit rows each', async () => {
    const { a, b } = rig.cluster;
    const before = rig.smtp.messages.length;
    const instances = [a, b];
    const admins = [adminA, adminB];
    const users = await inBatches(Array.from({ length: 50 }, (_, i) => i), 6, (i) =>
      rig.api.createUser(instances[i % 2], admins[i % 2], { type: i % 5 === 0 ? 'parent' : 'employee', locale: i % 3 === 0 ? 'ar' : 'en' }),
    );
    const resets = await inBatches(users, 6, async (user, i) => {
      const reset = await rig.api.reset(instances[i % 2], admins[i % 2], user.id, { reason: `bulk ${i}` });
      await rig.api.complete(instances[(i + 1) % 2], admins[(i + 1) % 2], user.id, reset.id, { sendEmail: true, logoutSessions: true });
      return { reset, user };
    });

    await rig.smtp.waitForMessages(before + 50, 60000);
    // Settled: every delivery recorded as sent and no job left that could send again.
    await eventually(
      async () => {
        const [row] = await rig.db.query<{ open: number }>(
          `select (select count(*) from email_delivery where status <> 'sent')::int
                + (select count(*) from pgboss.job where name = 'password-reset-email' and state < 'completed')::int as open`,
        );
        return row.open === 0;
      },
      30000,
      'every delivery sent and every job completed',
    );
    const mails = rig.smtp.messages.slice(before);
    expect(mails).toHaveLength(50);
    const expectedIds = resets.map(({ reset }) => reset.id).sort();
    const idsInMail = mails.map((m) => /^<password-reset\.([0-9a-f-]{36})@[^>]+>$/.exec(m.messageId ?? '')?.[1]).sort();
    expect(idsInMail).toEqual(expectedIds);
    for (const { reset, user } of resets) {
      const mail = mails.find((m) => m.messageId?.includes(reset.id))!;
      expect(mail.to).toEqual([user.email]);
    }

    if (await rig.db.tableExists('audit_event')) {
      const counts = await rig.db.query<{ correlation_id: string; action: string; n: number }>(
        `select correlation_id::text, action, count(*)::int as n from audit_event where correlation_id = any($1::uuid[]) group by 1, 2`,
        [expectedIds],
      );
      for (const id of expectedIds) {
        const of = (action: string) => counts.find((c) => c.correlation_id === id && c.action === action)?.n ?? 0;
        expect({ id, performed: of('password_reset.performed'), completed: of('password_reset.completed'), emailSent: of('password_reset.email_sent') }).toEqual({
          id,
          performed: 1,
          completed: 1,
          emailSent: 1,
        });
      }
      expect(counts.every((c) => c.n === 1)).toBe(true);
    }
  }, 150000);

  describe('sign-in limits across instances', () => {
    let address = 10;
    const from = () => `203.0.113.${address++}`;

    it('answers the sixth sign-in of an account 429 with Retry-After, even with the right password, whichever instance is asked; an admin reset lifts it', async () => {
      const { a, b } = rig.cluster;
      const user = await rig.api.userWhoCanSignIn(a, adminA);
      const ip = from();
      for (let i = 0; i < 5; i++) {
        const on = i % 2 === 0 ? a : b;
        const guess = rig.secrets.remember('password', `${user.password.slice(0, -1)}${i}`);
        expectProblem(await on.http().post('/api/auth/login').set('X-Forwarded-For', ip).send({ login: user.username, password: guess }), 401, 'INVALID_CREDENTIALS');
      }
      for (const on of [a, b]) {
        const sixth = await on.http().post('/api/auth/login').set('X-Forwarded-For', from()).send({ login: user.username, password: user.password });
        expectProblem(sixth, 429, 'TOO_MANY_REQUESTS');
        const retryAfter = Number(sixth.headers['retry-after']);
        expect(retryAfter).toBeGreaterThan(0);
        expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
      }
      const reset = await rig.api.reset(b, adminB, user.id, { requirePasswordChange: false });
      await rig.api.login(a, user.username, reset.password!);
    });

    it('lets the account sign in again once the window has passed (Retry-After is honest)', async () => {
      const { a, b } = rig.cluster;
      const user = await rig.api.userWhoCanSignIn(b, adminB);
      const ip = from();
      for (let i = 0; i < 5; i++) {
        await (i % 2 ? a : b).http().post('/api/auth/login').set('X-Forwarded-For', ip).send({ login: user.username, password: `nope-${i}-xxxxxxxxxx` }).expect(401);
      }
      const locked = await a.http().post('/api/auth/login').set('X-Forwarded-For', ip).send({ login: user.username, password: user.password });
      expectProblem(locked, 429, 'TOO_MANY_REQUESTS');
      const lockedAt = Date.now();
      const retryAfter = Number(locked.headers['retry-after']);
      const response = await eventually(
        async () => {
          const attempt = await b.http().post('/api/auth/login').set('X-Forwarded-For', ip).send({ login: user.username, password: user.password });
          return attempt.status === 200 ? attempt : attempt.status === 429 ? null : Promise.reject(new Error(`unexpected ${attempt.status}`));
        },
        (retryAfter + 3) * 1000,
        'the lock to lapse',
      );
      rig.secrets.add('refresh token', response.body.refreshToken);
      expect(Date.now() - lockedAt).toBeLessThanOrEqual((retryAfter + 3) * 1000);
    }, 30000);

    it('limits failures per client address across instances and accounts (the 21st is 429)', async () => {
      const { a, b } = rig.cluster;
      const user = await rig.api.userWhoCanSignIn(a, adminA);
      const ip = from();
      for (let i = 0; i < 20; i++) {
        const response = await (i % 2 ? a : b).http().post('/api/auth/login').set('X-Forwarded-For', ip).send({ login: `nobody${i}.${ip}`, password: 'not-a-password-123' });
        expectProblem(response, 401, 'INVALID_CREDENTIALS');
      }
      const blocked = await a.http().post('/api/auth/login').set('X-Forwarded-For', ip).send({ login: user.username, password: user.password });
      expectProblem(blocked, 429, 'TOO_MANY_REQUESTS');
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      // Another address is not affected.
      await b.http().post('/api/auth/login').set('X-Forwarded-For', from()).send({ login: user.username, password: user.password }).expect(200);
    });
  });

  it('leaves no password, refresh token or IQAMA number in the logs, the tables or the job payloads', async () => {
    expect(rig.secrets.size).toBeGreaterThan(50);
    const result = await scanForSecrets(rig.db, rig.secrets, rig.cluster.logFiles, BCRYPT_COST);
    expect(result.scanned.logBytes).toBeGreaterThan(0);
    expect(result.scanned.tables).toEqual(expect.arrayContaining(['public.app_user', 'public.outbox_event', 'pgboss.job']));
    expect(result.findings).toEqual([]);
  });
});
