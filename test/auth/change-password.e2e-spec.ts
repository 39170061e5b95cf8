import { createUser, login, loginAdmin, SignedIn, startApp, TestApp } from '../support/harness';
import { activeUser, bearer, expectProblem, fieldsOf, strongPassword } from './support';

let t: TestApp;
let admin: SignedIn;

beforeAll(async () => {
  t = await startApp();
  admin = await loginAdmin(t);
});

afterAll(async () => {
  await t?.stop();
});

function changePassword(session: SignedIn | string, currentPassword: unknown, newPassword: unknown) {
  const auth = typeof session === 'string' ? bearer(session) : session.auth;
  return t.http().post('/api/auth/change-password').set(auth).send({ currentPassword, newPassword });
}

async function passwordHashOf(userId: string): Promise<string> {
  const [row] = await t.sql<{ password_hash: string }>('select password_hash from app_user where id = $1', [userId]);
  return row.password_hash;
}

describe('the password policy', () => {
  let session: SignedIn;
  let password: string;
  let userId: string;
  const username = 'policy.person.long';
  const email = 'policy.person@example.org';

  beforeAll(async () => {
    const active = await activeUser(t, admin, { username, email, displayName: 'Policy Person' });
    ({ session, password } = active);
    userId = active.user.id;
  });

  const refusals: { what: string; make: () => string; code: string; detail?: RegExp }[] = [
    { what: 'shorter than 12 characters', make: () => 'Xk#9vQ!2mZ', code: 'PASSWORD_TOO_WEAK', detail: /12/ },
    { what: 'over 72 bytes of ASCII', make: () => `${strongPassword()}${'Zq7#'.repeat(15)}`, code: 'PASSWORD_TOO_LONG', detail: /72/ },
    { what: 'over 72 UTF-8 bytes though only 37 characters', make: () => 'é'.repeat(37), code: 'PASSWORD_TOO_LONG' },
    { what: 'over 72 bytes and weak: the length is checked before the strength', make: () => 'a'.repeat(80), code: 'PASSWORD_TOO_LONG' },
    { what: 'a common password', make: () => 'password1234', code: 'PASSWORD_TOO_WEAK' },
    { what: 'a keyboard walk', make: () => 'qwertyuiop123', code: 'PASSWORD_TOO_WEAK' },
    { what: 'the username', make: () => username, code: 'PASSWORD_TOO_WEAK' },
    { what: 'the username in capitals', make: () => username.toUpperCase(), code: 'PASSWORD_TOO_WEAK' },
    { what: 'the email address', make: () => email, code: 'PASSWORD_TOO_WEAK' },
    { what: 'the current password', make: () => password, code: 'PASSWORD_TOO_WEAK' },
  ];

  it.each(refusals)('refuses a new password that is $what with 422 and changes nothing', async ({ make, code, detail }) => {
    const hash = await passwordHashOf(userId);
    const response = await changePassword(session, password, make());
    expectProblem(response, 422, code);
    if (detail) expect(response.body.detail).toMatch(detail);
    expect(await passwordHashOf(userId)).toBe(hash);
    expect((await t.http().get('/api/auth/me').set(session.auth)).status).toBe(200);
  });

  it('checks the length rules before the current password', async () => {
    const response = await changePassword(session, 'not-my-current-password', 'x'.repeat(73));
    expectProblem(response, 422, 'PASSWORD_TOO_LONG');
  });

  it('answers a malformed request with 400 naming the field', async () => {
    const missing = await t.http().post('/api/auth/change-password').set(session.auth).send({ currentPassword: password });
    expectProblem(missing, 400, 'VALIDATION_FAILED');
    expect(fieldsOf(missing)).toEqual(['newPassword']);
    const unknown = await t.http().post('/api/auth/change-password').set(session.auth).send({ currentPassword: password, newPassword: strongPassword(), confirm: 'x' });
    expectProblem(unknown, 400, 'VALIDATION_FAILED');
    expect(fieldsOf(unknown)).toEqual(['confirm']);
  });

  it('accepts a strong password of exactly 72 bytes; at sign-in a longer one simply does not match', async () => {
    const exactly72 = `${strongPassword()}${'Zq7#'.repeat(20)}`.slice(0, 72);
    expect(Buffer.byteLength(exactly72)).toBe(72);
    expect((await changePassword(session, password, exactly72)).status).toBe(204);
    password = exactly72;
    expect((await login(t, username, exactly72)).user.id).toBe(userId);
    const longer = await t.http().post('/api/auth/login').send({ login: username, password: `${exactly72}!` });
    expectProblem(longer, 401, 'INVALID_CREDENTIALS');
  });

  it('refuses a caller without a token', async () => {
    expectProblem(await t.http().post('/api/auth/change-password').send({ currentPassword: password, newPassword: strongPassword() }), 401, 'UNAUTHENTICATED');
  });
});

describe('changing one\'s password', () => {
  it('clears mustChangePassword at once: the same access token is no longer gated', async () => {
    const initial = strongPassword();
    const user = await createUser(t, admin, { username: 'forced.change', password: initial });
    const gated = await login(t, user.username, initial);
    expectProblem(await t.http().get('/api/auth/sessions').set(gated.auth), 403, 'PASSWORD_CHANGE_REQUIRED');

    const chosen = strongPassword();
    expect((await changePassword(gated, initial, chosen)).status).toBe(204);

    const sessions = await t.http().get('/api/auth/sessions').set(gated.auth);
    expect(sessions.status).toBe(200);
    expect((await t.http().get('/api/auth/me').set(gated.auth)).body.mustChangePassword).toBe(false);
    expect((await t.http().patch('/api/auth/me').set(gated.auth).send({ locale: 'ar' })).status).toBe(200);
    const [row] = await t.sql<{ must_change_password: boolean }>('select must_change_password from app_user where id = $1', [user.id]);
    expect(row.must_change_password).toBe(false);

    // Only the new password signs in now.
    expectProblem(await t.http().post('/api/auth/login').send({ login: user.username, password: initial }), 401, 'INVALID_CREDENTIALS');
    expect((await login(t, user.username, chosen)).user.mustChangePassword).toBe(false);
  });

  it('ends the caller\'s other sessions and keeps the one it was made from', async () => {
    const { user, password } = await activeUser(t, admin, { username: 'many.devices' });
    const here = await login(t, user.username, password, 'here');
    const laptop = await login(t, user.username, password, 'laptop');
    const phone = await login(t, user.username, password, 'phone');

    expect((await changePassword(here, password, strongPassword())).status).toBe(204);

    for (const other of [laptop, phone]) {
      expectProblem(await t.http().get('/api/auth/me').set(other.auth), 401, 'UNAUTHENTICATED');
      expectProblem(await t.http().post('/api/auth/refresh').send({ refreshToken: other.refreshToken }), 401, 'UNAUTHENTICATED');
    }
    const listed = await t.http().get('/api/auth/sessions').set(here.auth);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([expect.objectContaining({ userAgent: 'here', current: true })]);
    const refreshed = await t.http().post('/api/auth/refresh').send({ refreshToken: here.refreshToken });
    expect(refreshed.status).toBe(200);
    // Another user's sessions are untouched.
    expect((await t.http().get('/api/auth/me').set(admin.auth)).status).toBe(200);
  });

  it('counts a wrong current password as a failed sign-in: the sixth is 429, for sign-in too, even with the right password', async () => {
    const { user, session, password } = await activeUser(t, admin, { username: 'forgetful.one' });
    const hash = await passwordHashOf(user.id);
    for (let attempt = 1; attempt <= 5; attempt++) {
      const response = await changePassword(session, `wrong-current-${attempt}`, strongPassword());
      expectProblem(response, 422, 'CURRENT_PASSWORD_INCORRECT');
    }
    const sixth = await changePassword(session, password, strongPassword());
    expectProblem(sixth, 429, 'TOO_MANY_REQUESTS');
    expect(Number(sixth.headers['retry-after'])).toBeGreaterThan(0);

    const signIn = await t.http().post('/api/auth/login').send({ login: user.username, password });
    expectProblem(signIn, 429, 'TOO_MANY_REQUESTS');
    expect(Number(signIn.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(signIn.headers['retry-after'])).toBeLessThanOrEqual(900);
    expect(await passwordHashOf(user.id)).toBe(hash);
    // The session itself is not ended by the failures.
    expect((await t.http().get('/api/auth/me').set(session.auth)).status).toBe(200);
  });
});
