import jwt from 'jsonwebtoken';
import { ADMIN, createUser, login, loginAdmin, SignedIn, startApp, TestApp } from '../support/harness';
import { activeUser, bearer, expectProblem, fieldsOf, strongPassword } from './support';

let t: TestApp;
let admin: SignedIn;
/** The 401 body for a request without any token: every other refused token must get exactly this. */
let anonymousBody: unknown;

beforeAll(async () => {
  t = await startApp();
  admin = await loginAdmin(t);
  const anonymous = await t.http().get('/api/auth/me');
  expectProblem(anonymous, 401, 'UNAUTHENTICATED');
  anonymousBody = anonymous.body;
});

afterAll(async () => {
  await t?.stop();
});

function decode(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

async function expectRefused(accessToken: string): Promise<void> {
  const response = await t.http().get('/api/auth/me').set(bearer(accessToken));
  expectProblem(response, 401, 'UNAUTHENTICATED');
  expect(response.body).toEqual(anonymousBody);
}

describe('sign-in', () => {
  it('signs in by username and answers with a token pair, its lifetime and the user', async () => {
    const response = await t.http().post('/api/auth/login').send({ login: ADMIN.username, password: ADMIN.password });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      expiresIn: 900,
      user: expect.objectContaining({ username: ADMIN.username, roles: ['admin'], mustChangePassword: false }),
    });
    const me = await t.http().get('/api/auth/me').set(bearer(response.body.accessToken));
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(response.body.user.id);
  });

  it('signs in by email, and the login is case-insensitive for username and email', async () => {
    const { user, password } = await activeUser(t, admin, { username: 'mixed.case.login', email: 'Mixed.Case@Example.org' });
    for (const name of ['MIXED.CASE.LOGIN', 'Mixed.Case.Login', 'mixed.case@example.org', 'MIXED.CASE@EXAMPLE.ORG', 'Mixed.Case@Example.org']) {
      const signedIn = await login(t, name, password);
      expect(signedIn.user.id).toBe(user.id);
    }
  });

  it('gives the identical 401 INVALID_CREDENTIALS body for a wrong password and for an unknown user', async () => {
    const wrongPassword = await t.http().post('/api/auth/login').send({ login: ADMIN.username, password: 'not-the-admin-password-1' });
    const unknownUser = await t.http().post('/api/auth/login').send({ login: 'nobody.here', password: 'not-the-admin-password-1' });
    const unknownEmail = await t.http().post('/api/auth/login').send({ login: 'nobody@example.org', password: ADMIN.password });
    expectProblem(wrongPassword, 401, 'INVALID_CREDENTIALS');
    expectProblem(unknownUser, 401, 'INVALID_CREDENTIALS');
    expectProblem(unknownEmail, 401, 'INVALID_CREDENTIALS');
    expect(unknownUser.body).toEqual(wrongPassword.body);
    expect(unknownEmail.body).toEqual(wrongPassword.body);
  });

  it('does not sign in a user created without a password', async () => {
    const user = await createUser(t, admin, { username: 'no.password.user' });
    for (const password of ['', 'anything-at-all-123', ADMIN.password]) {
      const response = await t.http().post('/api/auth/login').send({ login: user.username, password });
      expectProblem(response, 401, 'INVALID_CREDENTIALS');
    }
  });

  it('answers a malformed sign-in with 400, not 401', async () => {
    const missing = await t.http().post('/api/auth/login').send({ login: ADMIN.username });
    expectProblem(missing, 400, 'VALIDATION_FAILED');
    expect(fieldsOf(missing)).toContain('password');
    const unknownField = await t.http().post('/api/auth/login').send({ login: ADMIN.username, password: ADMIN.password, remember: true });
    expectProblem(unknownField, 400, 'VALIDATION_FAILED');
    expect(fieldsOf(unknownField)).toEqual(['remember']);
    const wrongType = await t.http().post('/api/auth/login').send({ login: 42, password: ADMIN.password });
    expectProblem(wrongType, 400, 'VALIDATION_FAILED');
    expect(fieldsOf(wrongType)).toContain('login');
  });
});

describe('refresh tokens', () => {
  it('trades a refresh token for a new working pair, and the old refresh token then fails', async () => {
    const first = await loginAdmin(t);
    const refreshed = await t.http().post('/api/auth/refresh').send({ refreshToken: first.refreshToken });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: 900, user: expect.objectContaining({ username: ADMIN.username }) });
    expect(refreshed.body.refreshToken).not.toBe(first.refreshToken);
    expect((await t.http().get('/api/auth/me').set(bearer(refreshed.body.accessToken))).status).toBe(200);

    const again = await t.http().post('/api/auth/refresh').send({ refreshToken: first.refreshToken });
    expectProblem(again, 401, 'UNAUTHENTICATED');
    expect(again.body).toEqual(anonymousBody);
  });

  it('revokes the whole session when a rotated refresh token is presented again: the new pair stops working too', async () => {
    const first = await loginAdmin(t);
    const second = (await t.http().post('/api/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200)).body;
    const third = (await t.http().post('/api/auth/refresh').send({ refreshToken: second.refreshToken }).expect(200)).body;

    // The leaked token of generation 0 shows up again.
    expectProblem(await t.http().post('/api/auth/refresh').send({ refreshToken: first.refreshToken }), 401, 'UNAUTHENTICATED');

    await expectRefused(third.accessToken);
    await expectRefused(first.accessToken);
    const newest = await t.http().post('/api/auth/refresh').send({ refreshToken: third.refreshToken });
    expectProblem(newest, 401, 'UNAUTHENTICATED');
    const [row] = await t.sql<{ revoked_reason: string }>('select revoked_reason from session where id = $1', [decode(first.accessToken).sid]);
    expect(row.revoked_reason).toBe('refresh_token_reused');
  });

  it('refuses garbage and tampered refresh tokens with the same 401, and a missing one with 400', async () => {
    const signedIn = await loginAdmin(t);
    const [sessionId, generation, secret] = signedIn.refreshToken.split('.');
    const flipped = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    for (const refreshToken of [
      'garbage',
      `${sessionId}.${generation}.${flipped}`,
      `${sessionId}.7.${secret}`,
      `00000000-0000-4000-8000-000000000000.0.${secret}`,
      `${'-'.repeat(36)}.0.${secret}`,
      `${sessionId.replace(/-/g, '')}----.0.${secret}`,
    ]) {
      const response = await t.http().post('/api/auth/refresh').send({ refreshToken });
      expectProblem(response, 401, 'UNAUTHENTICATED');
      expect(response.body).toEqual(anonymousBody);
    }
    // A wrong secret is not a reuse: the session still refreshes.
    expect((await t.http().post('/api/auth/refresh').send({ refreshToken: signedIn.refreshToken })).status).toBe(200);
    const missing = await t.http().post('/api/auth/refresh').send({});
    expectProblem(missing, 400, 'VALIDATION_FAILED');
    expect(fieldsOf(missing)).toEqual(['refreshToken']);
  });
});

describe('access tokens and sessions', () => {
  it('logs out with 204; the access token is then refused and the refresh token no longer refreshes', async () => {
    const signedIn = await loginAdmin(t);
    const response = await t.http().post('/api/auth/logout').set(signedIn.auth);
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    await expectRefused(signedIn.accessToken);
    expectProblem(await t.http().post('/api/auth/refresh').send({ refreshToken: signedIn.refreshToken }), 401, 'UNAUTHENTICATED');
    // Other sessions of the same user are untouched.
    expect((await t.http().get('/api/auth/me').set(admin.auth)).status).toBe(200);
  });

  it('refuses the token of a session revoked in the database on the very next request, with the same body', async () => {
    const signedIn = await loginAdmin(t);
    expect((await t.http().get('/api/auth/me').set(signedIn.auth)).status).toBe(200);
    await t.sql(`update session set revoked_at = now(), revoked_reason = 'logout' where id = $1`, [decode(signedIn.accessToken).sid]);
    await expectRefused(signedIn.accessToken);
  });

  it('refuses tokens signed with another key, unsigned (alg none) tokens and malformed headers with the same body', async () => {
    const claims = decode(admin.accessToken);
    const now = Math.floor(Date.now() / 1000);
    const otherKey = jwt.sign({ sub: claims.sub, sid: claims.sid, iat: now, exp: now + 600 }, 'a-completely-different-signing-key-0123456789', { algorithm: 'HS256' });
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ sub: claims.sub, sid: claims.sid, iat: now, exp: now + 600 })).toString('base64url');
    const algNone = `${header}.${payload}.`;
    const [realHeader, , realSignature] = admin.accessToken.split('.');
    const swappedPayload = `${realHeader}.${Buffer.from(JSON.stringify({ ...claims, sub: '00000000-0000-4000-8000-000000000000' })).toString('base64url')}.${realSignature}`;
    for (const token of [otherKey, algNone, swappedPayload, 'not-a-jwt']) await expectRefused(token);
    for (const authorization of [`Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}`, 'Bearer', admin.accessToken]) {
      const response = await t.http().get('/api/auth/me').set('Authorization', authorization);
      expectProblem(response, 401, 'UNAUTHENTICATED');
      expect(response.body).toEqual(anonymousBody);
    }
    // The genuine token still works.
    expect((await t.http().get('/api/auth/me').set(admin.auth)).status).toBe(200);
  });

  it('lists the caller\'s own active sessions, marking the current one', async () => {
    const { user, password } = await activeUser(t, admin, { username: 'session.lister' });
    const laptop = await login(t, user.username, password, 'laptop-browser');
    const phone = await login(t, user.username, password, 'phone-app');
    const response = await t.http().get('/api/auth/sessions').set(laptop.auth);
    expect(response.status).toBe(200);
    const sessions = response.body as { id: string; current: boolean; userAgent: string; ip: string; createdAt: string; lastUsedAt: string; expiresAt: string }[];
    // 'jest' is the session that changed the password: it stays signed in.
    expect(sessions.map((s) => s.userAgent).sort()).toEqual(['jest', 'laptop-browser', 'phone-app']);
    expect(sessions.filter((s) => s.current).map((s) => s.id)).toEqual([decode(laptop.accessToken).sid]);
    for (const session of sessions) {
      expect(Object.keys(session).sort()).toEqual(['createdAt', 'current', 'expiresAt', 'id', 'ip', 'lastUsedAt', 'userAgent']);
      expect(session.ip).toBe('127.0.0.1');
      expect(new Date(session.expiresAt).getTime()).toBeGreaterThan(Date.now());
    }
    // Nobody else's sessions are listed.
    const adminSessions = (await t.http().get('/api/auth/sessions').set(admin.auth)).body as { id: string }[];
    expect(adminSessions.some((s) => sessions.some((mine) => mine.id === s.id))).toBe(false);

    await t.http().post('/api/auth/logout').set(phone.auth).expect(204);
    const after = (await t.http().get('/api/auth/sessions').set(laptop.auth)).body as { userAgent: string }[];
    expect(after.map((s) => s.userAgent).sort()).toEqual(['jest', 'laptop-browser']);
  });
});

describe('own profile', () => {
  it('GET /auth/me returns the caller as a User, with resetPassword false on one\'s own record', async () => {
    const response = await t.http().get('/api/auth/me').set(admin.auth);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ username: ADMIN.username, email: ADMIN.email, emailValid: true, roles: ['admin'], type: 'employee', actions: { resetPassword: false } });
  });

  it('PATCH /auth/me changes one\'s display name and locale', async () => {
    const { user, session } = await activeUser(t, admin, { username: 'profile.editor' });
    const response = await t.http().patch('/api/auth/me').set(session.auth).send({ displayName: '  Profile Editor  ', locale: 'ar' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: user.id, displayName: 'Profile Editor', locale: 'ar' });
    expect((await t.http().get('/api/auth/me').set(session.auth)).body).toMatchObject({ displayName: 'Profile Editor', locale: 'ar' });
  });

  it('PATCH /auth/me rejects email and roles as unknown fields, and bad values, changing nothing', async () => {
    const { user, session } = await activeUser(t, admin, { username: 'profile.climber', displayName: 'Climber' });
    const before = await t.sql('select display_name, email, roles, locale, updated_at from app_user where id = $1', [user.id]);
    const cases: [Record<string, unknown>, string][] = [
      [{ email: 'new@example.org' }, 'email'],
      [{ roles: ['admin'] }, 'roles'],
      [{ displayName: 'Changed', roles: ['admin'] }, 'roles'],
      [{ locale: 'fr' }, 'locale'],
      [{ displayName: '' }, 'displayName'],
      [{ displayName: null }, 'displayName'],
      [{ locale: null }, 'locale'],
      [{ displayName: 42 }, 'displayName'],
    ];
    for (const [body, field] of cases) {
      const response = await t.http().patch('/api/auth/me').set(session.auth).send(body);
      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(response)).toContain(field);
    }
    expect(await t.sql('select display_name, email, roles, locale, updated_at from app_user where id = $1', [user.id])).toEqual(before);
  });
});

describe('must change password', () => {
  it('a user created with a password must change it first: 403 PASSWORD_CHANGE_REQUIRED everywhere but me, change-password, logout and refresh', async () => {
    const password = strongPassword();
    const user = await createUser(t, admin, { username: 'gated.user', password });
    const gated = await login(t, user.username, password);
    expect(gated.user.mustChangePassword).toBe(true);

    const me = await t.http().get('/api/auth/me').set(gated.auth);
    expect(me.status).toBe(200);
    expect(me.body.mustChangePassword).toBe(true);
    const blocked = [
      t.http().get('/api/auth/sessions').set(gated.auth),
      t.http().patch('/api/auth/me').set(gated.auth).send({ displayName: 'x' }),
      t.http().get('/api/users').set(gated.auth),
      t.http().get(`/api/users/${user.id}`).set(gated.auth),
      t.http().get(`/api/users/${user.id}/sessions`).set(gated.auth),
    ];
    for (const response of await Promise.all(blocked)) expectProblem(response, 403, 'PASSWORD_CHANGE_REQUIRED');

    const refreshed = await t.http().post('/api/auth/refresh').send({ refreshToken: gated.refreshToken });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.user.mustChangePassword).toBe(true);
    expectProblem(await t.http().get('/api/auth/sessions').set(bearer(refreshed.body.accessToken)), 403, 'PASSWORD_CHANGE_REQUIRED');
    expect((await t.http().post('/api/auth/logout').set(bearer(refreshed.body.accessToken))).status).toBe(204);
  });

  it('checks the password change before roles: a gated admin gets PASSWORD_CHANGE_REQUIRED, not FORBIDDEN', async () => {
    const password = strongPassword();
    const user = await createUser(t, admin, { username: 'gated.admin', password, roles: ['admin'] });
    const gated = await login(t, user.username, password);
    expectProblem(await t.http().get('/api/users').set(gated.auth), 403, 'PASSWORD_CHANGE_REQUIRED');
    const plain = await createUser(t, admin, { username: 'gated.plain', password });
    const gatedPlain = await login(t, plain.username, password);
    expectProblem(await t.http().get('/api/users').set(gatedPlain.auth), 403, 'PASSWORD_CHANGE_REQUIRED');
    expectProblem(await t.http().post('/api/users').set(gatedPlain.auth).send({ username: 'x.y.z', displayName: 'X', type: 'user' }), 403, 'PASSWORD_CHANGE_REQUIRED');
  });

  it('the bootstrap admin from configuration is not gated', async () => {
    expect(admin.user.mustChangePassword).toBe(false);
    expect((await t.http().get('/api/users').set(admin.auth)).status).toBe(200);
  });
});

describe('roles', () => {
  it('answers anonymous callers of /api/users with 401', async () => {
    for (const response of [
      await t.http().get('/api/users'),
      await t.http().post('/api/users').send({ username: 'anon.made', displayName: 'A', type: 'user' }),
      await t.http().get(`/api/users/${admin.user.id}`),
      await t.http().patch(`/api/users/${admin.user.id}`).send({ displayName: 'A' }),
    ]) {
      expectProblem(response, 401, 'UNAUTHENTICATED');
      expect(response.body).toEqual(anonymousBody);
    }
  });

  it('answers signed-in users without the admin role with 403 FORBIDDEN on /api/users, and changes nothing', async () => {
    const plain = await activeUser(t, admin, { username: 'plain.user' });
    const auditor = await activeUser(t, admin, { username: 'an.auditor', roles: ['auditor'] });
    const count = async () => (await t.sql<{ n: number }>('select count(*)::int as n from app_user'))[0].n;
    const before = await count();
    for (const { session } of [plain, auditor]) {
      for (const response of [
        await t.http().get('/api/users').set(session.auth),
        await t.http().post('/api/users').set(session.auth).send({ username: 'sneaky.made', displayName: 'S', type: 'user' }),
        await t.http().get(`/api/users/${admin.user.id}`).set(session.auth),
        await t.http().patch(`/api/users/${session.user.id}`).set(session.auth).send({ roles: ['admin'] }),
        await t.http().get(`/api/users/${admin.user.id}/sessions`).set(session.auth),
      ]) {
        expectProblem(response, 403, 'FORBIDDEN');
      }
    }
    expect(await count()).toBe(before);
    const [row] = await t.sql<{ roles: string[] }>('select roles from app_user where id = $1', [plain.user.id]);
    expect(row.roles).toEqual([]);
    // Their own profile is theirs.
    expect((await t.http().get('/api/auth/me').set(plain.session.auth)).body.actions).toEqual({ resetPassword: false });
  });
});

// The clock moves forward from here on: these tests come last.
describe('time', () => {
  it('refuses an expired access token with the same body, while its refresh token still works', async () => {
    const signedIn = await loginAdmin(t);
    t.clock.advanceSeconds(899);
    expect((await t.http().get('/api/auth/me').set(signedIn.auth)).status).toBe(200);
    t.clock.advanceSeconds(2);
    await expectRefused(signedIn.accessToken);
    const refreshed = await t.http().post('/api/auth/refresh').send({ refreshToken: signedIn.refreshToken });
    expect(refreshed.status).toBe(200);
    expect((await t.http().get('/api/auth/me').set(bearer(refreshed.body.accessToken))).status).toBe(200);
  });

  it('answers the right but expired temporary password with 401 PASSWORD_EXPIRED, and a wrong one with INVALID_CREDENTIALS', async () => {
    admin = await loginAdmin(t);
    const user = await createUser(t, admin, { username: 'temporary.password' });
    const reset = await t.http().post(`/api/users/${user.id}/password-resets`).set(admin.auth).send({ requirePasswordChange: false });
    expect(reset.status).toBe(201);
    const temporary = reset.body.password as string;
    const ttlSeconds = (new Date(reset.body.passwordExpiresAt).getTime() - new Date(reset.body.createdAt).getTime()) / 1000;
    expect(ttlSeconds).toBe(72 * 3600);

    expect((await login(t, user.username, temporary)).user.id).toBe(user.id);
    t.clock.advanceSeconds(ttlSeconds - 60);
    expect((await login(t, user.username, temporary)).user.id).toBe(user.id);
    t.clock.advanceSeconds(61);
    const expired = await t.http().post('/api/auth/login').send({ login: user.username, password: temporary });
    expectProblem(expired, 401, 'PASSWORD_EXPIRED');
    const wrong = await t.http().post('/api/auth/login').send({ login: user.username, password: `${temporary}x` });
    expectProblem(wrong, 401, 'INVALID_CREDENTIALS');
  });

  it('keeps lastUsedAt of a session up to date as it is used', async () => {
    const signedIn = await loginAdmin(t);
    const sid = decode(signedIn.accessToken).sid;
    const listed = async () => ((await t.http().get('/api/auth/sessions').set(signedIn.auth)).body as { id: string; createdAt: string; lastUsedAt: string }[]).find((s) => s.id === sid)!;
    const fresh = await listed();
    expect(fresh.lastUsedAt).toBe(fresh.createdAt);
    t.clock.advanceSeconds(300);
    const later = await listed();
    expect(new Date(later.lastUsedAt).getTime() - new Date(fresh.createdAt).getTime()).toBeGreaterThanOrEqual(300_000);
  });

  it('does not list or honour sessions whose refresh lifetime has passed', async () => {
    const signedIn = await loginAdmin(t);
    t.clock.advanceSeconds(30 * 24 * 3600 + 1);
    expectProblem(await t.http().post('/api/auth/refresh').send({ refreshToken: signedIn.refreshToken }), 401, 'UNAUTHENTICATED');
    const fresh = await loginAdmin(t);
    const sessions = (await t.http().get('/api/auth/sessions').set(fresh.auth)).body as { id: string }[];
    expect(sessions.map((s) => s.id)).toEqual([decode(fresh.accessToken).sid]);
  });
});
