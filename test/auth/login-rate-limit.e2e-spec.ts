import request, { Response } from 'supertest';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../apps/api/src/main';
import { ADMIN, login, loginAdmin, SignedIn, startApp, TestApp } from '../support/harness';
import { activeUser, expectProblem } from './support';

let t: TestApp;
let admin: SignedIn;

/** Behind a trusted proxy, so each test signs in from its own client address (X-Forwarded-For). */
beforeAll(async () => {
  t = await startApp({ env: { TRUST_PROXY: 'true' } });
  admin = await loginAdmin(t);
});

afterAll(async () => {
  await t?.stop();
});

function signIn(from: string, loginName: string, password: string): Promise<Response> {
  return t.http().post('/api/auth/login').set('X-Forwarded-For', `${from}, 10.0.0.1`).send({ login: loginName, password });
}

function expectLimited(response: Response): number {
  expectProblem(response, 429, 'TOO_MANY_REQUESTS');
  const retryAfter = response.headers['retry-after'];
  expect(retryAfter).toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeGreaterThan(0);
  expect(Number(retryAfter)).toBeLessThanOrEqual(900);
  return Number(retryAfter);
}

describe('failed sign-ins per account', () => {
  it('answers the sixth attempt after five failures with 429 and Retry-After, even for the right password and from another address', async () => {
    const { user, password } = await activeUser(t, admin, { username: 'guessed.account' });
    for (let attempt = 1; attempt <= 5; attempt++) {
      expectProblem(await signIn('198.51.100.1', user.username, `wrong-password-${attempt}`), 401, 'INVALID_CREDENTIALS');
    }
    expectLimited(await signIn('198.51.100.1', user.username, password));
    expectLimited(await signIn('198.51.100.2', user.username, password));
    // By email it is the same account.
    expectLimited(await signIn('198.51.100.3', user.email as string, password));
    // The address itself is not limited: another account signs in from it.
    expect((await signIn('198.51.100.1', ADMIN.username, ADMIN.password)).status).toBe(200);
  });

  it('does not count successful sign-ins: the limit is five failures, whatever succeeded in between', async () => {
    const { user, password } = await activeUser(t, admin, { username: 'sometimes.wrong' });
    const from = '198.51.100.10';
    for (let attempt = 1; attempt <= 4; attempt++) expect((await signIn(from, user.username, `wrong-${attempt}`)).status).toBe(401);
    for (let attempt = 1; attempt <= 3; attempt++) expect((await signIn(from, user.username, password)).status).toBe(200);
    expect((await signIn(from, user.username, 'wrong-5')).status).toBe(401);
    expectLimited(await signIn(from, user.username, password));
  });

  it('holds under parallel guesses: of ten at once, exactly five are judged and five are refused', async () => {
    const { user } = await activeUser(t, admin, { username: 'parallel.target' });
    const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => signIn(`198.51.100.${20 + i}`, user.username, `parallel-guess-${i}`)));
    expect(responses.map((r) => r.status).sort()).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);
  });

  it('limits probing of unknown logins the same way', async () => {
    for (let attempt = 1; attempt <= 5; attempt++) expect((await signIn('198.51.100.40', 'no.such.person', `guess-${attempt}`)).status).toBe(401);
    expectLimited(await signIn('198.51.100.41', 'NO.SUCH.PERSON', 'guess-6'));
  });

  it('lets an admin reset lift the lock: the new password signs in at once', async () => {
    const { user, password } = await activeUser(t, admin, { username: 'locked.then.reset' });
    for (let attempt = 1; attempt <= 5; attempt++) await signIn('198.51.100.50', user.username, `wrong-${attempt}`);
    expectLimited(await signIn('198.51.100.50', user.username, password));
    const reset = await t.http().post(`/api/users/${user.id}/password-resets`).set(admin.auth).send({ requirePasswordChange: false });
    expect(reset.status).toBe(201);
    expect((await signIn('198.51.100.50', user.username, reset.body.password)).status).toBe(200);
  });

  it('lets the owner lift the lock by refreshing a session they already hold: guesses by others cannot keep them out', async () => {
    const { user, password } = await activeUser(t, admin, { username: 'locked.but.signed.in' });
    const device = await signIn('198.51.100.60', user.username, password);
    expect(device.status).toBe(200);
    for (let attempt = 1; attempt <= 5; attempt++) await signIn('198.51.100.61', user.username, `wrong-${attempt}`);
    expectLimited(await signIn('198.51.100.60', user.username, password));
    const refreshed = await t.http().post('/api/auth/refresh').send({ refreshToken: device.body.refreshToken });
    expect(refreshed.status).toBe(200);
    expect((await signIn('198.51.100.62', user.username, password)).status).toBe(200);
    // A refresh token that does not work (here: the rotated one, which also ends that session) lifts nothing.
    for (let attempt = 1; attempt <= 5; attempt++) await signIn('198.51.100.61', user.username, `wrong-again-${attempt}`);
    expectProblem(await t.http().post('/api/auth/refresh').send({ refreshToken: device.body.refreshToken }), 401, 'UNAUTHENTICATED');
    expectLimited(await signIn('198.51.100.60', user.username, password));
  });
});

describe('failed sign-ins per address', () => {
  it('answers the 21st attempt from an address after 20 failures with 429, even for the right password; other addresses are unaffected', async () => {
    const from = '203.0.113.7';
    // Twenty different accounts, so no account limit is reached.
    for (let attempt = 1; attempt <= 20; attempt++) {
      expectProblem(await signIn(from, `visitor.${attempt}`, 'some-guess-123'), 401, 'INVALID_CREDENTIALS');
    }
    expectLimited(await signIn(from, ADMIN.username, ADMIN.password));
    expect((await signIn('203.0.113.8', ADMIN.username, ADMIN.password)).status).toBe(200);
  });
});

describe('across instances', () => {
  let second: NestFastifyApplication | undefined;
  let secondUrl: string;

  beforeAll(async () => {
    second = await createApp(t.config, { logLevel: 'silent', clock: t.clock });
    await second.listen({ port: 0, host: '127.0.0.1' });
    const address = second.getHttpServer().address();
    secondUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    await second?.close();
  });

  it('counts failures on every instance together: three here and two there make the sixth a 429 on both', async () => {
    const { user, password } = await activeUser(t, admin, { username: 'two.instances' });
    for (let attempt = 1; attempt <= 3; attempt++) expect((await signIn('192.0.2.1', user.username, `wrong-${attempt}`)).status).toBe(401);
    for (let attempt = 4; attempt <= 5; attempt++) {
      const response = await request(secondUrl).post('/api/auth/login').set('X-Forwarded-For', '192.0.2.2').send({ login: user.username, password: `wrong-${attempt}` });
      expect(response.status).toBe(401);
    }
    expectLimited(await signIn('192.0.2.1', user.username, password));
    expectLimited(await request(secondUrl).post('/api/auth/login').set('X-Forwarded-For', '192.0.2.2').send({ login: user.username, password }));
  });

  it('refuses a session logged out on one instance on the very next request to the other', async () => {
    const { user, password } = await activeUser(t, admin, { username: 'logout.elsewhere' });
    const signedIn = await login(t, user.username, password);
    expect((await request(secondUrl).get('/api/auth/me').set(signedIn.auth)).status).toBe(200);
    expect((await t.http().post('/api/auth/logout').set(signedIn.auth)).status).toBe(204);
    expectProblem(await request(secondUrl).get('/api/auth/me').set(signedIn.auth), 401, 'UNAUTHENTICATED');
  });
});

// The clock moves forward from here on: this test comes last.
describe('the window', () => {
  it('reopens sign-in once the window has passed since the failures, with Retry-After counting down', async () => {
    const { user, password } = await activeUser(t, admin, { username: 'patient.user' });
    const from = '198.51.100.60';
    for (let attempt = 1; attempt <= 5; attempt++) await signIn(from, user.username, `wrong-${attempt}`);
    const first = expectLimited(await signIn(from, user.username, password));
    t.clock.advanceSeconds(600);
    const later = expectLimited(await signIn(from, user.username, password));
    expect(later).toBeLessThanOrEqual(first - 599);
    t.clock.advanceSeconds(later + 1);
    const reopened = await signIn(from, user.username, password);
    expect(reopened.status).toBe(200);
    expect((await login(t, user.username, password)).user.id).toBe(user.id);
  });
});
