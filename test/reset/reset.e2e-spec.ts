import { ADMIN, createUser, login, loginAdmin, SignedIn, startApp, TestApp, validIqama } from '../support/harness';
import {
  attemptLogin,
  CreatedReset,
  expectProblem,
  listResets,
  getReset,
  LOOK_ALIKES,
  postReset,
  resetOk,
  completeOk,
  ROOMY_LIMITS,
  STRONG_PASSWORD,
  UUID,
} from './reset-support';

let t: TestApp;
let admin: SignedIn;

beforeAll(async () => {
  t = await startApp({ env: ROOMY_LIMITS });
  admin = await loginAdmin(t);
});

afterAll(async () => {
  await t?.stop();
});

const HOUR_MS = 3600_000;

function expectCreatedShape(body: CreatedReset, user: { id: string; email: string | null }, method: 'random' | 'iqama'): void {
  expect(Object.keys(body).sort()).toEqual(
    ['completeBy', 'createdAt', 'email', 'id', 'method', 'password', 'passwordExpiresAt', 'performedBy', 'requirePasswordChange', 'status', 'userId'].sort(),
  );
  expect(body.id).toMatch(UUID);
  expect(body).toMatchObject({
    userId: user.id,
    status: 'pending',
    method,
    requirePasswordChange: true,
    email: { address: user.email, valid: true },
    performedBy: { id: admin.user.id, username: ADMIN.username },
  });
  const created = Date.parse(body.createdAt);
  expect(Math.abs(created - t.clock.now().getTime())).toBeLessThan(60_000);
  expect(Date.parse(body.completeBy) - created).toBe(HOUR_MS);
  expect(Date.parse(body.passwordExpiresAt) - created).toBe(72 * HOUR_MS);
}

function expectGeneratedPassword(password: string | null, length: number): void {
  expect(typeof password).toBe('string');
  expect(password).toHaveLength(length);
  expect(password).toMatch(/[A-Z]/);
  expect(password).toMatch(/[a-z]/);
  expect(password).toMatch(/[0-9]/);
  expect(password).toMatch(/[^A-Za-z0-9]/);
  expect(password).not.toMatch(LOOK_ALIKES);
  expect(password).toMatch(/^[\x21-\x7e]+$/);
}

/** A signed-in account with the given roles that has already chosen its own password (so it is not gated). */
async function signedInWithRoles(roles: string[]): Promise<SignedIn> {
  const user = await createUser(t, admin, { roles, password: STRONG_PASSWORD });
  const first = await login(t, user.username, STRONG_PASSWORD);
  const chosen = 'Granite-Orchard-Kettle-58!';
  const changed = await t.http().post('/api/auth/change-password').set(first.auth).send({ currentPassword: STRONG_PASSWORD, newPassword: chosen });
  expect(changed.status).toBe(204);
  return login(t, user.username, chosen);
}

async function userView(userId: string): Promise<{ mustChangePassword: boolean }> {
  const response = await t.http().get(`/api/users/${userId}`).set(admin.auth);
  expect(response.status).toBe(200);
  return response.body;
}

describe('resetting a password (POST /api/users/:id/password-resets)', () => {
  it.each(['customer', 'supplier', 'employee', 'user'])('gives a user of type %s a fresh random password once, with the pending reset and its deadlines', async (type) => {
    const user = await createUser(t, admin, { type });
    const response = await postReset(t, admin, user.id, {});

    expect(response.status).toBe(201);
    expectCreatedShape(response.body, user, 'random');
    expectGeneratedPassword(response.body.password, 16);
  });

  it('generates 16-character passwords with upper, lower, digit and symbol, no look-alikes, different every time', async () => {
    const user = await createUser(t, admin);
    const passwords: string[] = [];
    for (let i = 0; i < 8; i++) passwords.push((await resetOk(t, admin, user.id)).password!);

    for (const password of passwords) expectGeneratedPassword(password, 16);
    expect(new Set(passwords).size).toBe(passwords.length);
  });

  it("makes a parent's IQAMA number the password: method iqama, password null, and the number signs in", async () => {
    const iqama = validIqama();
    const parent = await createUser(t, admin, { type: 'parent', iqamaNumber: iqama });
    const response = await postReset(t, admin, parent.id, {});

    expect(response.status).toBe(201);
    expectCreatedShape(response.body, parent, 'iqama');
    expect(response.body.password).toBeNull();
    expect(response.text).not.toContain(iqama);
    const signedIn = await attemptLogin(t, parent.username, iqama);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user.mustChangePassword).toBe(true);
  });

  it('treats no body and an empty object as the defaults', async () => {
    const user = await createUser(t, admin);
    const noBody = await postReset(t, admin, user.id);
    expect(noBody.status).toBe(201);
    expect(noBody.body.requirePasswordChange).toBe(true);
    const empty = await postReset(t, admin, user.id, {});
    expect(empty.status).toBe(201);
    expect(empty.body.requirePasswordChange).toBe(true);
  });

  it('honours requirePasswordChange false: the new password signs in without a forced change', async () => {
    const user = await createUser(t, admin);
    const reset = await resetOk(t, admin, user.id, { requirePasswordChange: false, reason: 'ticket 4711' });

    expect(reset.requirePasswordChange).toBe(false);
    expect((await userView(user.id)).mustChangePassword).toBe(false);
    const signedIn = await attemptLogin(t, user.username, reset.password!);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user.mustChangePassword).toBe(false);
  });

  it('accepts a reason of 500 characters and refuses 501 with a field error, changing nothing', async () => {
    const user = await createUser(t, admin);
    expect((await postReset(t, admin, user.id, { reason: 'r'.repeat(500) })).status).toBe(201);

    const tooLong = await postReset(t, admin, user.id, { reason: 'r'.repeat(501) });
    expectProblem(tooLong, 400, 'VALIDATION_FAILED');
    expect(tooLong.body.errors).toEqual([expect.objectContaining({ field: 'reason' })]);
    expect(await listResets(t, admin, user.id)).toHaveLength(1);
  });

  it('refuses an unknown field and wrong types with 400 VALIDATION_FAILED naming the field', async () => {
    const user = await createUser(t, admin);
    const unknown = await postReset(t, admin, user.id, { sendEmail: true });
    expectProblem(unknown, 400, 'VALIDATION_FAILED');
    expect(unknown.body.errors).toEqual([{ field: 'sendEmail', message: 'is not a known field' }]);

    const wrongType = await postReset(t, admin, user.id, { requirePasswordChange: 'yes' });
    expectProblem(wrongType, 400, 'VALIDATION_FAILED');
    expect(wrongType.body.errors).toEqual([expect.objectContaining({ field: 'requirePasswordChange' })]);
    expect(await listResets(t, admin, user.id)).toEqual([]);
  });

  it('refuses a body that is not JSON with 415, and a malformed Idempotency-Key with 400', async () => {
    const user = await createUser(t, admin);
    const text = await t.http().post(`/api/users/${user.id}/password-resets`).set(admin.auth).set('Content-Type', 'text/plain').send('reset please');
    expectProblem(text, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectProblem(await postReset(t, admin, user.id, {}, { 'Idempotency-Key': 'has spaces in it' }), 400, 'VALIDATION_FAILED');
    expectProblem(await postReset(t, admin, user.id, {}, { 'Idempotency-Key': 'k'.repeat(256) }), 400, 'VALIDATION_FAILED');
    expect(await listResets(t, admin, user.id)).toEqual([]);
  });

  it('refuses a JSON null body with 400 and resets nothing', async () => {
    const user = await createUser(t, admin);
    const response = await t.http().post(`/api/users/${user.id}/password-resets`).set(admin.auth).set('Content-Type', 'application/json').send('null');
    expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(await listResets(t, admin, user.id)).toEqual([]);
  });

  it("refuses an admin's reset of their own account with 403 SELF_RESET_FORBIDDEN; their password still works", async () => {
    const response = await postReset(t, admin, admin.user.id, {});
    expectProblem(response, 403, 'SELF_RESET_FORBIDDEN');
    expect((await attemptLogin(t, ADMIN.username, ADMIN.password)).status).toBe(200);
    expect(await listResets(t, admin, admin.user.id)).toEqual([]);
  });

  it('answers 404 NOT_FOUND for an unknown user and for an id that is not a UUID', async () => {
    expectProblem(await postReset(t, admin, '5f1d7a0e-8c1b-4d2a-9a57-3f0c2b1e4d6a', {}), 404, 'NOT_FOUND');
    expectProblem(await postReset(t, admin, 'not-a-uuid', {}), 404, 'NOT_FOUND');
  });

  it('answers 401 without a token', async () => {
    const user = await createUser(t, admin);
    const response = await t.http().post(`/api/users/${user.id}/password-resets`).send({});
    expectProblem(response, 401, 'UNAUTHENTICATED');
  });

  it('refuses a parent without an IQAMA number with 422 IQAMA_MISSING and changes nothing', async () => {
    const parent = await createUser(t, admin, { type: 'parent', password: STRONG_PASSWORD });
    const before = await t.sql('select password_hash, password_expires_at, must_change_password, updated_at from app_user where id = $1', [parent.id]);
    const outboxBefore = await t.sql('select count(*)::int as n from outbox_event');

    const response = await postReset(t, admin, parent.id, {});

    expectProblem(response, 422, 'IQAMA_MISSING');
    expect(await t.sql('select password_hash, password_expires_at, must_change_password, updated_at from app_user where id = $1', [parent.id])).toEqual(before);
    expect(await t.sql('select count(*)::int as n from outbox_event')).toEqual(outboxBefore);
    expect(await listResets(t, admin, parent.id)).toEqual([]);
    expect((await attemptLogin(t, parent.username, STRONG_PASSWORD)).status).toBe(200);
  });

  it('makes an older pending reset superseded at once', async () => {
    const user = await createUser(t, admin);
    const first = await resetOk(t, admin, user.id);
    const second = await resetOk(t, admin, user.id);

    expect((await getReset(t, admin, user.id, first.id)).status).toBe('superseded');
    expect((await getReset(t, admin, user.id, second.id)).status).toBe('pending');
    expect((await attemptLogin(t, user.username, first.password!)).status).toBe(401);
    expect((await attemptLogin(t, user.username, second.password!)).status).toBe(200);
  });

  it("clears the account's sign-in lock: the new password signs in at once", async () => {
    const user = await createUser(t, admin, { password: STRONG_PASSWORD });
    for (let i = 0; i < 5; i++) expect((await attemptLogin(t, user.username, 'wrong-password-guess')).status).toBe(401);
    const locked = await attemptLogin(t, user.username, STRONG_PASSWORD);
    expectProblem(locked, 429, 'TOO_MANY_REQUESTS');

    const reset = await resetOk(t, admin, user.id);

    expect((await attemptLogin(t, user.username, reset.password!)).status).toBe(200);
  });
});

describe('who may reset', () => {
  it('answers 403 FORBIDDEN to an auditor and an account holder on every reset endpoint', async () => {
    const user = await createUser(t, admin);
    const reset = await resetOk(t, admin, user.id);
    for (const caller of [await signedInWithRoles(['auditor']), await signedInWithRoles([])]) {
      expectProblem(await postReset(t, caller, user.id, {}), 403, 'FORBIDDEN');
      expectProblem(await t.http().post(`/api/users/${user.id}/password-resets/${reset.id}/complete`).set(caller.auth).send({ sendEmail: false, logoutSessions: false }), 403, 'FORBIDDEN');
      expectProblem(await t.http().get(`/api/users/${user.id}/password-resets/${reset.id}`).set(caller.auth), 403, 'FORBIDDEN');
      expectProblem(await t.http().get(`/api/users/${user.id}/password-resets`).set(caller.auth), 403, 'FORBIDDEN');
    }
    expect((await listResets(t, admin, user.id)).map((r) => r.status)).toEqual(['pending']);
  });

  it('answers 403 PASSWORD_CHANGE_REQUIRED to an admin who must first change their password', async () => {
    const user = await createUser(t, admin);
    const newAdmin = await createUser(t, admin, { roles: ['admin'], password: STRONG_PASSWORD });
    const gated = await login(t, newAdmin.username, STRONG_PASSWORD);
    expectProblem(await postReset(t, gated, user.id, {}), 403, 'PASSWORD_CHANGE_REQUIRED');
    expect(await listResets(t, admin, user.id)).toEqual([]);
  });

  it('lets another admin reset with the same Idempotency-Key: keys belong to the admin who sent them', async () => {
    const user = await createUser(t, admin);
    const other = await signedInWithRoles(['admin']);
    const key = { 'Idempotency-Key': `shared-${user.id}` };
    const mine = await postReset(t, admin, user.id, {}, key);
    const theirs = await postReset(t, other, user.id, {}, key);

    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(theirs.body.performedBy).toEqual({ id: other.user.id, username: other.user.username });
    expect((await getReset(t, admin, user.id, mine.body.id)).status).toBe('superseded');
  });
});

describe('Idempotency-Key on a reset', () => {
  it('replays the first response, password included, while the reset is pending, and resets only once', async () => {
    const user = await createUser(t, admin);
    const key = { 'Idempotency-Key': `replay-${user.id}` };
    const first = await postReset(t, admin, user.id, { reason: 'ticket 1' }, key);
    const again = await postReset(t, admin, user.id, { reason: 'ticket 1' }, key);

    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.body.password).toEqual(expect.any(String));
    expect(await listResets(t, admin, user.id)).toHaveLength(1);
    expect((await attemptLogin(t, user.username, first.body.password)).status).toBe(200);
  });

  it('answers two racing requests with the same key alike, with one reset', async () => {
    const user = await createUser(t, admin);
    const key = { 'Idempotency-Key': `race-${user.id}` };
    const [a, b] = await Promise.all([postReset(t, admin, user.id, {}, key), postReset(t, admin, user.id, {}, key)]);

    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body).toEqual(a.body);
    expect(await listResets(t, admin, user.id)).toHaveLength(1);
    expect((await attemptLogin(t, user.username, a.body.password)).status).toBe(200);
  });

  it('answers 409 IDEMPOTENCY_KEY_REUSED once that reset is completed, and resets nothing', async () => {
    const user = await createUser(t, admin);
    const key = { 'Idempotency-Key': `reused-${user.id}` };
    const first = await postReset(t, admin, user.id, {}, key);
    await completeOk(t, admin, user.id, first.body.id, false, false);

    const again = await postReset(t, admin, user.id, {}, key);

    expectProblem(again, 409, 'IDEMPOTENCY_KEY_REUSED');
    expect(again.text).not.toContain(first.body.password);
    expect(await listResets(t, admin, user.id)).toHaveLength(1);
  });

  it('answers 422 IDEMPOTENCY_KEY_MISMATCH for the same key with another body or another user, checked first', async () => {
    const user = await createUser(t, admin);
    const other = await createUser(t, admin);
    const key = { 'Idempotency-Key': `mismatch-${user.id}` };
    const first = await postReset(t, admin, user.id, { requirePasswordChange: true }, key);
    expect(first.status).toBe(201);

    expectProblem(await postReset(t, admin, user.id, { requirePasswordChange: false }, key), 422, 'IDEMPOTENCY_KEY_MISMATCH');
    expectProblem(await postReset(t, admin, user.id, { reason: 'other' }, key), 422, 'IDEMPOTENCY_KEY_MISMATCH');
    expectProblem(await postReset(t, admin, other.id, { requirePasswordChange: true }, key), 422, 'IDEMPOTENCY_KEY_MISMATCH');
    await completeOk(t, admin, user.id, first.body.id, false, false);
    expectProblem(await postReset(t, admin, user.id, { requirePasswordChange: false }, key), 422, 'IDEMPOTENCY_KEY_MISMATCH');

    expect(await listResets(t, admin, user.id)).toHaveLength(1);
    expect(await listResets(t, admin, other.id)).toEqual([]);
  });
});

describe('the password after a reset', () => {
  it('refuses the old password and accepts the new one right after the reset', async () => {
    const user = await createUser(t, admin, { password: STRONG_PASSWORD });
    expect((await attemptLogin(t, user.username, STRONG_PASSWORD)).status).toBe(200);

    const reset = await resetOk(t, admin, user.id);

    const old = await attemptLogin(t, user.username, STRONG_PASSWORD);
    expectProblem(old, 401, 'INVALID_CREDENTIALS');
    expect((await attemptLogin(t, user.username, reset.password!)).status).toBe(200);
    expect((await attemptLogin(t, user.email!, reset.password!)).status).toBe(200);
  });

  it.each([true, false])('sets mustChangePassword to requirePasswordChange (%s)', async (requirePasswordChange) => {
    const user = await createUser(t, admin, { password: STRONG_PASSWORD });
    const reset = await resetOk(t, admin, user.id, { requirePasswordChange });

    expect((await userView(user.id)).mustChangePassword).toBe(requirePasswordChange);
    const signedIn = await attemptLogin(t, user.username, reset.password!);
    expect(signedIn.body.user.mustChangePassword).toBe(requirePasswordChange);
    const gated = await t.http().get('/api/auth/sessions').set('Authorization', `Bearer ${signedIn.body.accessToken}`);
    if (requirePasswordChange) expectProblem(gated, 403, 'PASSWORD_CHANGE_REQUIRED');
    else expect(gated.status).toBe(200);
  });

  it('answers 401 PASSWORD_EXPIRED once passwordExpiresAt has passed, and a new reset signs in again', async () => {
    const user = await createUser(t, admin);
    const reset = await resetOk(t, admin, user.id);
    const iqama = validIqama();
    const parent = await createUser(t, admin, { type: 'parent', iqamaNumber: iqama });
    await resetOk(t, admin, parent.id);

    t.clock.advanceSeconds(72 * 3600 - 60);
    expect((await attemptLogin(t, user.username, reset.password!)).status).toBe(200);
    t.clock.advanceSeconds(61);
    admin = await loginAdmin(t); // access tokens expire by the same clock

    expectProblem(await attemptLogin(t, user.username, reset.password!), 401, 'PASSWORD_EXPIRED');
    expectProblem(await attemptLogin(t, parent.username, iqama), 401, 'PASSWORD_EXPIRED');
    expectProblem(await attemptLogin(t, user.username, 'not-the-password'), 401, 'INVALID_CREDENTIALS');
    const again = await resetOk(t, admin, user.id);
    expect((await attemptLogin(t, user.username, again.password!)).status).toBe(200);
  });
});

describe('reset settings from the environment', () => {
  let c: TestApp;
  let cAdmin: SignedIn;

  beforeAll(async () => {
    c = await startApp({
      env: {
        RESET_PASSWORD_LENGTH: '24',
        RESET_REQUIRE_PASSWORD_CHANGE: 'false',
        RESET_MAX_PER_ADMIN_PER_MINUTE: '3',
        RESET_PASSWORD_TTL_SECONDS: '7200',
        RESET_COMPLETE_WINDOW_SECONDS: '600',
      },
    });
    cAdmin = await loginAdmin(c);
  });

  afterAll(async () => {
    await c?.stop();
  });

  it('uses RESET_PASSWORD_LENGTH, RESET_REQUIRE_PASSWORD_CHANGE and the configured windows', async () => {
    const user = await createUser(c, cAdmin);
    const reset = await resetOk(c, cAdmin, user.id);

    expectGeneratedPassword(reset.password, 24);
    expect(reset.requirePasswordChange).toBe(false);
    expect(Date.parse(reset.completeBy) - Date.parse(reset.createdAt)).toBe(600_000);
    expect(Date.parse(reset.passwordExpiresAt) - Date.parse(reset.createdAt)).toBe(7200_000);
    expect((await attemptLogin(c, user.username, reset.password!)).body.user.mustChangePassword).toBe(false);
  });

  it('limits resets per admin per minute with 429 and Retry-After, then lets them through again', async () => {
    const user = await createUser(c, cAdmin);
    c.clock.advanceSeconds(61); // a window of its own, whatever ran before
    for (let i = 0; i < 3; i++) expect((await postReset(c, cAdmin, user.id, {})).status).toBe(201);

    const limited = await postReset(c, cAdmin, user.id, {});

    expectProblem(limited, 429, 'TOO_MANY_REQUESTS');
    const retryAfter = Number(limited.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await listResets(c, cAdmin, user.id)).toHaveLength(3);

    c.clock.advanceSeconds(retryAfter);
    expect((await postReset(c, cAdmin, user.id, {})).status).toBe(201);
  });

  it('counts simultaneous resets by one admin atomically: of eight at once, exactly three go through', async () => {
    const users = await Promise.all(Array.from({ length: 8 }, () => createUser(c, cAdmin)));
    c.clock.advanceSeconds(61); // a window of its own
    const responses = await Promise.all(users.map((user) => postReset(c, cAdmin, user.id, {})));
    expect(responses.map((r) => r.status).sort()).toEqual([201, 201, 201, 429, 429, 429, 429, 429]);
    const resetCounts = await Promise.all(users.map(async (user) => (await listResets(c, cAdmin, user.id)).length));
    expect(resetCounts.reduce((a, b) => a + b, 0)).toBe(3);
  });
});
