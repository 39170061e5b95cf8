import fs from 'node:fs';
import { createUser, eventually, login, loginAdmin, SignedIn, startApp, TestApp, validIqama } from '../support/harness';
import { strongPassword } from './support';

/**
 * The structured log is captured for the whole suite at debug level, while the secrets the contract names go
 * through every endpoint that handles them. pino writes to fd 1 through fs, or through process.stdout when
 * something (the test runner) has replaced its write: both are captured, and only log records kept back.
 */
const logged: string[] = [];
const originalWriteSync = fs.writeSync;
const originalWrite = fs.write;
const originalStdoutWrite = process.stdout.write;

function capture(fd: unknown, data: unknown): boolean {
  if (fd !== 1 && fd !== 2) return false;
  logged.push(Buffer.isBuffer(data) ? data.toString('utf8') : String(data));
  return true;
}

function isLogRecord(chunk: unknown): boolean {
  return String(chunk).startsWith('{"level"');
}

let t: TestApp;
let admin: SignedIn;

beforeAll(async () => {
  (fs as { writeSync: unknown }).writeSync = (fd: number, data: unknown, ...rest: unknown[]) =>
    capture(fd, data) ? Buffer.byteLength(String(data)) : (originalWriteSync as (...a: unknown[]) => number)(fd, data, ...rest);
  (fs as { write: unknown }).write = (fd: number, data: unknown, ...rest: unknown[]) => {
    if (!capture(fd, data)) return (originalWrite as (...a: unknown[]) => void)(fd, data, ...rest);
    const callback = rest.find((r) => typeof r === 'function') as ((e: null, n: number) => void) | undefined;
    process.nextTick(() => callback?.(null, Buffer.byteLength(String(data))));
  };
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    logged.push(Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
    if (isLogRecord(chunk)) {
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      if (callback) process.nextTick(callback);
      return true;
    }
    return (originalStdoutWrite as (...a: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
  }) as typeof process.stdout.write;
  t = await startApp({ logLevel: 'debug' });
  admin = await loginAdmin(t);
});

afterAll(async () => {
  await t?.stop();
  fs.writeSync = originalWriteSync;
  fs.write = originalWrite;
  process.stdout.write = originalStdoutWrite;
});

it('logs no password, token or IQAMA number, whatever passes through sign-in, refresh, users, change-password and resets', async () => {
  const secrets: string[] = [admin.accessToken, admin.refreshToken];
  const iqama = validIqama(2);
  const initial = strongPassword();
  secrets.push(iqama, initial);

  const parent = await createUser(t, admin, { username: 'logged.parent', type: 'parent', iqamaNumber: iqama, password: initial });
  const otherIqama = validIqama(1);
  secrets.push(otherIqama);
  await t.http().patch(`/api/users/${parent.id}`).set(admin.auth).send({ iqamaNumber: otherIqama }).expect(200);
  // Refused inputs are not logged either.
  await t.http().post('/api/users').set(admin.auth).send({ username: 'x.y.z', displayName: 'X', type: 'user', iqamaNumber: iqama }).expect(400);

  const gated = await login(t, parent.username, initial);
  secrets.push(gated.accessToken, gated.refreshToken);
  const chosen = strongPassword();
  secrets.push(chosen);
  await t.http().post('/api/auth/change-password').set(gated.auth).send({ currentPassword: 'wrong-current-password', newPassword: chosen }).expect(422);
  await t.http().post('/api/auth/change-password').set(gated.auth).send({ currentPassword: initial, newPassword: chosen }).expect(204);
  const refreshed = await t.http().post('/api/auth/refresh').send({ refreshToken: gated.refreshToken }).expect(200);
  secrets.push(refreshed.body.accessToken, refreshed.body.refreshToken);
  // A reused refresh token is logged as an event, without the token.
  await t.http().post('/api/auth/refresh').send({ refreshToken: gated.refreshToken }).expect(401);
  const wrong = `Wrong-${strongPassword()}`;
  secrets.push(wrong);
  await t.http().post('/api/auth/login').send({ login: parent.username, password: wrong }).expect(401);
  await t.http().get(`/api/users?search=${encodeURIComponent(otherIqama)}`).set(admin.auth).expect(200);

  const customer = await createUser(t, admin, { username: 'logged.customer' });
  const reset = await t.http().post(`/api/users/${customer.id}/password-resets`).set(admin.auth).set('Idempotency-Key', 'log-test-key-1').send({ reason: 'log test' }).expect(201);
  secrets.push(reset.body.password);
  await t.http().post(`/api/users/${customer.id}/password-resets/${reset.body.id}/complete`).set(admin.auth).send({ sendEmail: true, logoutSessions: true }).expect(200);
  const withTemporary = await login(t, customer.username, reset.body.password);
  secrets.push(withTemporary.accessToken, withTemporary.refreshToken);
  await t.http().post('/api/auth/logout').set(withTemporary.auth).expect(204);

  const log = logged.join('');
  // The capture works: the requests above are in it.
  expect(log).toContain('/api/auth/login');
  expect(log).toContain('/api/users');
  const leaked = secrets.filter((secret) => log.includes(secret));
  expect(leaked).toEqual([]);
  // Tokens are never logged in part either (their signatures / secrets).
  for (const token of secrets.filter((s) => s.split('.').length === 3)) expect(log).not.toContain(token.split('.')[2]);
});

it('logs each request under the id it answered in X-Request-Id, so logs, responses and audit rows agree', async () => {
  const sent = await t.http().get('/api/auth/me').set(admin.auth).set('X-Request-Id', 'log-trace-0001').expect(200);
  const made = await t.http().get('/api/auth/me').set(admin.auth).expect(200);
  const requestLine = (requestId: string) => async () =>
    logged.join('').split('\n').filter(isLogRecord).map((line) => JSON.parse(line) as { req?: { id?: string; url?: string }; msg?: string })
      .find((record) => record.msg === 'request completed' && record.req?.id === requestId);
  expect(sent.headers['x-request-id']).toBe('log-trace-0001');
  expect((await eventually(requestLine('log-trace-0001'), 5000, 'the log line of log-trace-0001')).req?.url).toBe('/api/auth/me');
  expect((await eventually(requestLine(made.headers['x-request-id']), 5000, 'the log line of a generated id')).req?.url).toBe('/api/auth/me');
});
