import type { Response } from 'supertest';
import { createUser, eventually, loginAdmin, SignedIn, startApp, TestApp, validIqama } from '../support/harness';
import { getReset, postComplete, postReset, ROOMY_LIMITS } from './reset-support';

/**
 * Everything the application logs, at debug level, for the whole suite. pino writes to process.stdout
 * itself when it finds `write` replaced at start-up, so the spy must be in place before the app starts.
 */
const logged: string[] = [];
let stdoutSpy: jest.SpyInstance;
let t: TestApp;
let admin: SignedIn;
/** Every response body this suite received, for the "no response carries it" checks. */
const responses: { what: string; text: string }[] = [];

beforeAll(async () => {
  stdoutSpy = jest.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
    logged.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof process.stdout.write);
  t = await startApp({ env: ROOMY_LIMITS, logLevel: 'debug' });
  admin = await loginAdmin(t);
});

afterAll(async () => {
  await t?.stop();
  stdoutSpy?.mockRestore();
});

function keep(what: string, response: Response): Response {
  responses.push({ what, text: `${JSON.stringify(response.headers)}\n${response.text}` });
  return response;
}

async function storedText(): Promise<{ outbox: string; jobs: string; audit: string | null; deliveries: string }> {
  const outbox = await t.sql<{ row: string }>('select row_to_json(o)::text as row from outbox_event o');
  const jobs = await t.sql<{ row: string }>('select row_to_json(j)::text as row from pgboss.job j');
  const [{ exists }] = await t.sql<{ exists: boolean }>("select to_regclass('public.audit_event') is not null as exists");
  const audit = exists ? await t.sql<{ row: string }>('select row_to_json(a)::text as row from audit_event a') : [];
  const deliveries = await t.sql<{ row: string }>('select row_to_json(d)::text as row from email_delivery d');
  const join = (rows: { row: string }[]) => rows.map((r) => r.row).join('\n');
  return { outbox: join(outbox), jobs: join(jobs), audit: exists ? join(audit) : null, deliveries: join(deliveries) };
}

function untilSent(userId: string, resetId: string) {
  return eventually(async () => (await getReset(t, admin, userId, resetId)).email.delivery === 'sent', 20_000, 'the email to be sent');
}

describe('secrets stay secret', () => {
  it("never writes a parent's IQAMA number into a response, the outbox, a job, the audit trail or a log line", async () => {
    const iqama = validIqama();
    const replacement = validIqama();
    const logStart = logged.length;

    const created = keep('create parent', await t.http().post('/api/users').set(admin.auth).send({ username: `parent${Date.now()}`, displayName: 'Parent P.', type: 'parent', email: `p${Date.now()}@example.org`, iqamaNumber: iqama }));
    expect(created.status).toBe(201);
    const parent = created.body as { id: string; username: string; email: string };
    expect(created.body).toMatchObject({ hasIqama: true, iqamaLast4: iqama.slice(-4) });
    const badIqama = `${iqama.slice(0, 9)}${(Number(iqama[9]) + 1) % 10}`;
    keep('patch invalid iqama', await t.http().patch(`/api/users/${parent.id}`).set(admin.auth).send({ iqamaNumber: badIqama }));
    keep('create duplicate iqama', await t.http().post('/api/users').set(admin.auth).send({ username: `dup${Date.now()}`, displayName: 'Dup', type: 'parent', iqamaNumber: iqama }));

    const reset = keep('reset', await postReset(t, admin, parent.id, { reason: 'lost phone' }, { 'Idempotency-Key': `k-${parent.id}` }));
    expect(reset.status).toBe(201);
    expect(reset.body).toMatchObject({ method: 'iqama', password: null });
    keep('reset replay', await postReset(t, admin, parent.id, { reason: 'lost phone' }, { 'Idempotency-Key': `k-${parent.id}` }));
    keep('login with iqama', await t.http().post('/api/auth/login').send({ login: parent.username, password: iqama }));
    keep('login wrong user with iqama', await t.http().post('/api/auth/login').send({ login: 'nobody-here', password: iqama }));
    keep('complete', await postComplete(t, admin, parent.id, reset.body.id, { sendEmail: true, logoutSessions: true }));
    await untilSent(parent.id, reset.body.id);
    keep('status', await t.http().get(`/api/users/${parent.id}/password-resets/${reset.body.id}`).set(admin.auth));
    keep('history', await t.http().get(`/api/users/${parent.id}/password-resets`).set(admin.auth));
    keep('user', await t.http().get(`/api/users/${parent.id}`).set(admin.auth));
    keep('search', await t.http().get(`/api/users?search=${iqama.slice(-4)}`).set(admin.auth));
    keep('change iqama', await t.http().patch(`/api/users/${parent.id}`).set(admin.auth).send({ iqamaNumber: replacement }));

    const stored = await storedText();
    for (const secret of [iqama, replacement]) {
      for (const { what, text } of responses) expect({ what, leaks: text.includes(secret) }).toEqual({ what, leaks: false });
      expect(stored.outbox).not.toContain(secret);
      expect(stored.jobs).not.toContain(secret);
      expect(stored.audit ?? '').not.toContain(secret);
      expect(stored.deliveries).not.toContain(secret);
      expect(logged.join('')).not.toContain(secret);
    }
    // The checks looked at something: the events, the email job and this test's requests are there.
    expect(stored.outbox).toContain(reset.body.id);
    expect(stored.jobs).toContain(reset.body.id);
    if (stored.audit !== null) expect(stored.audit).toContain(reset.body.id);
    const logText = logged.slice(logStart).join('');
    expect(logText).toContain(`/api/users/${parent.id}/password-resets`);
    expect(logText).toContain('Reset email for');
  });

  it('never writes a random password anywhere but the 201 and its replay', async () => {
    const user = await createUser(t, admin);
    const key = { 'Idempotency-Key': `k-${user.id}` };
    const reset = await postReset(t, admin, user.id, {}, key);
    const replay = await postReset(t, admin, user.id, {}, key);
    const password = reset.body.password as string;
    expect(replay.body.password).toBe(password);
    const before = responses.length;

    keep('login', await t.http().post('/api/auth/login').send({ login: user.username, password }));
    keep('login wrong user', await t.http().post('/api/auth/login').send({ login: 'nobody-here', password }));
    keep('complete', await postComplete(t, admin, user.id, reset.body.id, { sendEmail: true, logoutSessions: true }));
    await untilSent(user.id, reset.body.id);
    keep('status', await t.http().get(`/api/users/${user.id}/password-resets/${reset.body.id}`).set(admin.auth));
    keep('history', await t.http().get(`/api/users/${user.id}/password-resets`).set(admin.auth));
    keep('reused key', await postReset(t, admin, user.id, {}, key));

    const stored = await storedText();
    for (const { what, text } of responses.slice(before)) expect({ what, leaks: text.includes(password) }).toEqual({ what, leaks: false });
    expect(stored.outbox).not.toContain(password);
    expect(stored.jobs).not.toContain(password);
    expect(stored.audit ?? '').not.toContain(password);
    expect(stored.deliveries).not.toContain(password);
    expect(logged.join('')).not.toContain(password);
    expect(t.smtp.messages.filter((m) => m.to.includes(user.email!))).toHaveLength(1);
  });
});
