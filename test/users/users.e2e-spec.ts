import type { Response } from 'supertest';
import type { Test } from 'supertest';
import { ADMIN, createUser, login, loginAdmin, SignedIn, startApp, TestApp, validIqama } from '../support/harness';
import { expectProblem, fieldsOf, strongPassword } from '../auth/support';

let t: TestApp;
let admin: SignedIn;
/** Every response body this suite received, to prove no IQAMA number ever left the server. */
const received: string[] = [];
const iqamasUsed: string[] = [];

beforeAll(async () => {
  t = await startApp();
  admin = await loginAdmin(t);
});

afterAll(async () => {
  await t?.stop();
});

/** As the admin, recording what comes back. */
const api = {
  get: (path: string) => record(t.http().get(path).set(admin.auth)),
  post: (path: string, body?: unknown) => record(t.http().post(path).set(admin.auth).send(body as object)),
  patch: (path: string, body?: unknown) => record(t.http().patch(path).set(admin.auth).send(body as object)),
};

async function record(request: Test): Promise<Response> {
  const response = await request;
  received.push(response.text);
  return response;
}

function iqama(first: 1 | 2 = 1): string {
  const number = validIqama(first);
  iqamasUsed.push(number);
  return number;
}

/** Completes nine digits with the Luhn check digit, whatever the first digit is. */
function withCheckDigit(nine: string): string {
  for (let check = 0; check < 10; check++) {
    const candidate = `${nine}${check}`;
    let sum = 0;
    for (let i = 0; i < 10; i++) {
      let d = Number(candidate[9 - i]);
      if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
    if (sum % 10 === 0) return candidate;
  }
  throw new Error('unreachable');
}

async function userCount(): Promise<number> {
  return (await t.sql<{ n: number }>('select count(*)::int as n from app_user'))[0].n;
}

async function rowOf(id: string): Promise<Record<string, unknown>> {
  const [row] = await t.sql('select * from app_user where id = $1', [id]);
  return row;
}

const good = withCheckDigit('123456789');

const USER_KEYS = ['actions', 'createdAt', 'displayName', 'email', 'emailValid', 'hasIqama', 'id', 'iqamaLast4', 'locale', 'mustChangePassword', 'roles', 'type', 'updatedAt', 'username'];

describe('POST /api/users', () => {
  it('creates a user (201): username stored lower-case, display name trimmed, IQAMA kept as hasIqama and last four digits only', async () => {
    const number = iqama();
    const response = await api.post('/api/users', {
      username: 'Fatima.K',
      displayName: '  Fatima K.  ',
      email: 'Fatima@Example.org',
      type: 'parent',
      iqamaNumber: number,
    });
    expect(response.status).toBe(201);
    expect(Object.keys(response.body).sort()).toEqual(USER_KEYS);
    expect(response.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      username: 'fatima.k',
      displayName: 'Fatima K.',
      email: 'Fatima@Example.org',
      emailValid: true,
      type: 'parent',
      roles: [],
      locale: 'en',
      hasIqama: true,
      iqamaLast4: number.slice(-4),
      mustChangePassword: false,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      actions: { resetPassword: true },
    });
    const row = await rowOf(response.body.id);
    expect(row.username).toBe('fatima.k');
    // Stored encrypted with a keyed hash: the number itself is nowhere in the row.
    expect(JSON.stringify(row, (_k, v) => (Buffer.isBuffer(v) || v?.type === 'Buffer' ? Buffer.from(v).toString('latin1') : v))).not.toContain(number);
    expect(row.iqama_encrypted).not.toBeNull();
    expect(row.iqama_hash).not.toBeNull();
    expect((await api.get(`/api/users/${response.body.id}`)).body).toEqual(response.body);
  });

  it('takes roles and locale, and a non-parent without IQAMA', async () => {
    const response = await api.post('/api/users', { username: 'auditor.two', displayName: 'Auditor Two', type: 'employee', roles: ['auditor'], locale: 'ar' });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ roles: ['auditor'], locale: 'ar', email: null, emailValid: false, hasIqama: false, iqamaLast4: null });
  });

  it('creates a parent without an IQAMA number (imported parents may lack one)', async () => {
    const response = await api.post('/api/users', { username: 'parent.without', displayName: 'P', type: 'parent' });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ hasIqama: false, iqamaLast4: null });
  });

  it('refuses a taken username (any case) with 409 USERNAME_TAKEN, changing nothing', async () => {
    await createUser(t, admin, { username: 'taken.name' });
    const before = await userCount();
    expectProblem(await api.post('/api/users', { username: 'TAKEN.Name', displayName: 'X', type: 'user' }), 409, 'USERNAME_TAKEN');
    expect(await userCount()).toBe(before);
  });

  it('refuses a taken email, compared case-insensitively, with 409 EMAIL_TAKEN, changing nothing', async () => {
    await createUser(t, admin, { username: 'email.owner', email: 'Owner.Mail@Example.org' });
    const before = await userCount();
    for (const email of ['owner.mail@example.org', 'OWNER.MAIL@EXAMPLE.ORG', 'Owner.Mail@Example.org']) {
      expectProblem(await api.post('/api/users', { username: 'email.thief', displayName: 'X', type: 'user', email }), 409, 'EMAIL_TAKEN');
    }
    expect(await userCount()).toBe(before);
  });

  it('refuses an IQAMA number already on record with 409 IQAMA_TAKEN, changing nothing', async () => {
    const number = iqama(2);
    await createUser(t, admin, { username: 'iqama.owner', type: 'parent', iqamaNumber: number });
    const before = await userCount();
    expectProblem(await api.post('/api/users', { username: 'iqama.copy', displayName: 'X', type: 'parent', iqamaNumber: number }), 409, 'IQAMA_TAKEN');
    expect(await userCount()).toBe(before);
  });

  it('settles simultaneous creations of one username, email or IQAMA with one 201 and 409s, never a 5xx', async () => {
    const number = iqama();
    const attempts = await Promise.all([
      ...['Race.Name', 'race.name', 'RACE.NAME'].map((username, i) => api.post('/api/users', { username, displayName: 'R', type: 'user', email: `race${i}@example.org` })),
      ...['Race.Mail@example.org', 'race.mail@EXAMPLE.org', 'RACE.MAIL@example.org'].map((email, i) => api.post('/api/users', { username: `race.mail.${i}`, displayName: 'R', type: 'user', email })),
      ...[0, 1, 2].map((i) => api.post('/api/users', { username: `race.iqama.${i}`, displayName: 'R', type: 'parent', iqamaNumber: number })),
    ]);
    const outcome = (from: number) => attempts.slice(from, from + 3).map((r) => r.body.code ?? r.status).sort();
    expect(outcome(0)).toEqual([201, 'USERNAME_TAKEN', 'USERNAME_TAKEN']);
    expect(outcome(3)).toEqual([201, 'EMAIL_TAKEN', 'EMAIL_TAKEN']);
    expect(outcome(6)).toEqual([201, 'IQAMA_TAKEN', 'IQAMA_TAKEN']);
  });

  it.each(['customer', 'supplier', 'employee', 'user'])('refuses an IQAMA number on a %s with 400 naming iqamaNumber', async (type) => {
    const before = await userCount();
    const response = await api.post('/api/users', { username: `not.parent.${type}`, displayName: 'X', type, iqamaNumber: iqama() });
    expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(fieldsOf(response)).toEqual(['iqamaNumber']);
    expect(await userCount()).toBe(before);
  });

  const invalidIqamas: [string, unknown][] = [
    ['a bad check digit (Luhn)', `${good.slice(0, 9)}${(Number(good[9]) + 1) % 10}`],
    ['a first digit other than 1 or 2', withCheckDigit('323456789')],
    ['a first digit 0', withCheckDigit('023456789')],
    ['nine digits', good.slice(0, 9)],
    ['eleven digits', `${good}0`],
    ['letters', '12345678ab'],
    ['spaces', ` ${good} `],
    ['a number instead of a string', Number(good)],
  ];
  it.each(invalidIqamas)('refuses an IQAMA number with %s with 400 naming iqamaNumber', async (_what, iqamaNumber) => {
    if (typeof iqamaNumber === 'string') iqamasUsed.push(iqamaNumber.trim());
    const before = await userCount();
    const response = await api.post('/api/users', { username: 'bad.iqama.parent', displayName: 'X', type: 'parent', iqamaNumber });
    expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(fieldsOf(response)).toEqual(['iqamaNumber']);
    expect(await userCount()).toBe(before);
  });

  it.each(['not-an-email', 'a@b', 'someone@localhost', 'two words@example.org', 'a@@example.org', 'a@example.org.', '@example.org', '', 'a@exa_mple.org', 42])(
    'refuses the invalid email %p with 400 naming email',
    async (email) => {
      const response = await api.post('/api/users', { username: 'bad.email.user', displayName: 'X', type: 'user', email });
      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(response)).toEqual(['email']);
      expect(response.body.errors[0].message).toBe('must be a valid email address');
    },
  );

  it('refuses unknown fields, missing fields and bad values with 400 naming each field, changing nothing', async () => {
    const before = await userCount();
    const cases: [Record<string, unknown>, string[]][] = [
      [{ username: 'extra.field', displayName: 'X', type: 'user', isAdmin: true }, ['isAdmin']],
      [{ username: 'extra.field', displayName: 'X', type: 'user', mustChangePassword: false }, ['mustChangePassword']],
      [{}, ['displayName', 'type', 'username']],
      [{ username: 'ab', displayName: 'X', type: 'user' }, ['username']],
      [{ username: '-starts.badly', displayName: 'X', type: 'user' }, ['username']],
      [{ username: 'has space', displayName: 'X', type: 'user' }, ['username']],
      [{ username: 'x'.repeat(65), displayName: 'X', type: 'user' }, ['username']],
      [{ username: 'bad.type', displayName: 'X', type: 'admin' }, ['type']],
      [{ username: 'bad.roles', displayName: 'X', type: 'user', roles: ['root'] }, ['roles']],
      [{ username: 'bad.roles', displayName: 'X', type: 'user', roles: 'admin' }, ['roles']],
      [{ username: 'bad.roles', displayName: 'X', type: 'user', roles: ['admin', 'admin'] }, ['roles']],
      [{ username: 'bad.locale', displayName: 'X', type: 'user', locale: 'fr' }, ['locale']],
      [{ username: 'bad.name', displayName: '   ', type: 'user' }, ['displayName']],
      [{ username: 'bad.name', displayName: null, type: 'user' }, ['displayName']],
      [{ username: 'bad.name', displayName: 'X', type: 'user', password: 42 }, ['password']],
    ];
    for (const [body, fields] of cases) {
      const response = await api.post('/api/users', body);
      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(response).sort()).toEqual(fields);
    }
    expect(await userCount()).toBe(before);
  });

  it('a user created with a password can sign in and must change it first', async () => {
    const password = strongPassword();
    const response = await api.post('/api/users', { username: 'with.password', displayName: 'With Password', type: 'user', password });
    expect(response.status).toBe(201);
    expect(response.body.mustChangePassword).toBe(true);
    expect(JSON.stringify(response.body)).not.toContain(password);
    const signedIn = await login(t, 'with.password', password);
    expect(signedIn.user.mustChangePassword).toBe(true);
    expectProblem(await t.http().get('/api/auth/sessions').set(signedIn.auth), 403, 'PASSWORD_CHANGE_REQUIRED');
  });

  it('refuses a weak or too long password with 422 and creates nobody', async () => {
    const before = await userCount();
    expectProblem(await api.post('/api/users', { username: 'weak.password', displayName: 'X', type: 'user', password: 'password1234' }), 422, 'PASSWORD_TOO_WEAK');
    expectProblem(await api.post('/api/users', { username: 'weak.password', displayName: 'X', type: 'user', password: 'weak.password' }), 422, 'PASSWORD_TOO_WEAK');
    expectProblem(await api.post('/api/users', { username: 'short.password', displayName: 'X', type: 'user', password: 'Xk#9vQ!2mZ' }), 422, 'PASSWORD_TOO_WEAK');
    expectProblem(await api.post('/api/users', { username: 'long.password', displayName: 'X', type: 'user', password: 'a'.repeat(73) }), 422, 'PASSWORD_TOO_LONG');
    expect(await userCount()).toBe(before);
  });

  it('a user created without a password cannot sign in', async () => {
    const user = await createUser(t, admin, { username: 'no.password' });
    expectProblem(await t.http().post('/api/auth/login').send({ login: user.username, password: 'any-password-at-all-1' }), 401, 'INVALID_CREDENTIALS');
  });
});

describe('GET /api/users/:id', () => {
  it('returns the user, with resetPassword true for another user and false on one\'s own record', async () => {
    const user = await createUser(t, admin, { username: 'someone.else' });
    const other = await api.get(`/api/users/${user.id}`);
    expect(other.status).toBe(200);
    expect(other.body.actions).toEqual({ resetPassword: true });
    const own = await api.get(`/api/users/${admin.user.id}`);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ username: ADMIN.username, actions: { resetPassword: false } });
  });

  it('answers 404 NOT_FOUND for an unknown id and for ids that are not UUIDs', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', '123', '00000000-0000-4000-8000-00000000000g']) {
      expectProblem(await api.get(`/api/users/${id}`), 404, 'NOT_FOUND');
    }
  });

  it('computes emailValid by the same rule that accepts emails, even for an address stored before the rule', async () => {
    const user = await createUser(t, admin, { username: 'legacy.email' });
    await t.sql(`update app_user set email = 'legacy@localhost' where id = $1`, [user.id]);
    expect((await api.get(`/api/users/${user.id}`)).body).toMatchObject({ email: 'legacy@localhost', emailValid: false });
  });
});

describe('PATCH /api/users/:id', () => {
  it('email null clears the address and emailValid becomes false', async () => {
    const user = await createUser(t, admin, { username: 'clear.email' });
    const response = await api.patch(`/api/users/${user.id}`, { email: null });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ email: null, emailValid: false });
    expect((await rowOf(user.id)).email).toBeNull();
  });

  it('changes display name, locale and email', async () => {
    const user = await createUser(t, admin, { username: 'changing.user' });
    const response = await api.patch(`/api/users/${user.id}`, { displayName: 'Changed Name', locale: 'ar', email: 'New.Address@Example.org' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ displayName: 'Changed Name', locale: 'ar', email: 'New.Address@Example.org', emailValid: true });
    expect(new Date(response.body.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(response.body.createdAt).getTime());
  });

  it('iqamaNumber sets and null clears the IQAMA of a parent', async () => {
    const parent = await createUser(t, admin, { username: 'parent.patch', type: 'parent' });
    const number = iqama();
    const set = await api.patch(`/api/users/${parent.id}`, { iqamaNumber: number });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ hasIqama: true, iqamaLast4: number.slice(-4) });
    const cleared = await api.patch(`/api/users/${parent.id}`, { iqamaNumber: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ hasIqama: false, iqamaLast4: null });
    const row = await rowOf(parent.id);
    expect([row.iqama_encrypted, row.iqama_hash, row.iqama_last4]).toEqual([null, null, null]);
    // Once cleared, the number is free for another parent.
    expect((await api.post('/api/users', { username: 'parent.next', displayName: 'N', type: 'parent', iqamaNumber: number })).status).toBe(201);
  });

  it('sets and clears roles, taking effect on the holder\'s very next request', async () => {
    const initial = strongPassword();
    const user = await createUser(t, admin, { username: 'role.holder', password: initial });
    const holder = await login(t, user.username, initial);
    await t.http().post('/api/auth/change-password').set(holder.auth).send({ currentPassword: initial, newPassword: strongPassword() }).expect(204);
    expectProblem(await t.http().get('/api/users').set(holder.auth), 403, 'FORBIDDEN');

    expect((await api.patch(`/api/users/${user.id}`, { roles: ['admin', 'auditor'] })).body.roles).toEqual(['admin', 'auditor']);
    expect((await t.http().get('/api/users').set(holder.auth)).status).toBe(200);

    expect((await api.patch(`/api/users/${user.id}`, { roles: [] })).body.roles).toEqual([]);
    expect((await rowOf(user.id)).roles).toEqual([]);
    expectProblem(await t.http().get('/api/users').set(holder.auth), 403, 'FORBIDDEN');
  });

  it('refuses invalid values with 400 naming the field, and changes nothing (not even the valid fields sent alongside)', async () => {
    const user = await createUser(t, admin, { username: 'stable.user', displayName: 'Stable' });
    const parent = await createUser(t, admin, { username: 'stable.parent', type: 'parent' });
    const before = await rowOf(user.id);
    const cases: [string, Record<string, unknown>, string][] = [
      [user.id, { displayName: 'Changed', email: 'not-an-email' }, 'email'],
      [user.id, { displayName: 'Changed', iqamaNumber: iqama() }, 'iqamaNumber'],
      [parent.id, { displayName: 'Changed', iqamaNumber: `${good.slice(0, 9)}${(Number(good[9]) + 5) % 10}` }, 'iqamaNumber'],
      [user.id, { displayName: 'Changed', roles: ['root'] }, 'roles'],
      [user.id, { displayName: 'Changed', roles: null }, 'roles'],
      [user.id, { displayName: null }, 'displayName'],
      [user.id, { locale: null }, 'locale'],
      [user.id, { displayName: 'Changed', locale: 'de' }, 'locale'],
      [user.id, { displayName: 'Changed', username: 'renamed' }, 'username'],
      [user.id, { displayName: 'Changed', type: 'parent' }, 'type'],
      [user.id, { displayName: 'Changed', password: strongPassword() }, 'password'],
      [user.id, { displayName: 'Changed', mustChangePassword: true }, 'mustChangePassword'],
    ];
    for (const [id, body, field] of cases) {
      const response = await api.patch(`/api/users/${id}`, body);
      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(response)).toEqual([field]);
    }
    expect(await rowOf(user.id)).toEqual(before);
    expect((await rowOf(parent.id)).display_name).toBe(parent.displayName);
  });

  it('refuses a taken email (any case) or IQAMA with 409, changing nothing', async () => {
    const owner = await createUser(t, admin, { username: 'patch.owner', email: 'patch.owner@example.org' });
    const number = iqama();
    await createUser(t, admin, { username: 'patch.iqama.owner', type: 'parent', iqamaNumber: number });
    const user = await createUser(t, admin, { username: 'patch.taker', type: 'parent' });
    const before = await rowOf(user.id);
    expectProblem(await api.patch(`/api/users/${user.id}`, { displayName: 'Taker', email: 'PATCH.OWNER@example.org' }), 409, 'EMAIL_TAKEN');
    expectProblem(await api.patch(`/api/users/${user.id}`, { displayName: 'Taker', iqamaNumber: number }), 409, 'IQAMA_TAKEN');
    expect(await rowOf(user.id)).toEqual(before);
    // Changing the case of one's own address is not a conflict.
    expect((await api.patch(`/api/users/${owner.id}`, { email: 'Patch.Owner@Example.org' })).status).toBe(200);
  });

  it('answers 404 for an unknown or non-UUID id', async () => {
    expectProblem(await api.patch('/api/users/00000000-0000-4000-8000-000000000000', { displayName: 'X' }), 404, 'NOT_FOUND');
    expectProblem(await api.patch('/api/users/nope', { displayName: 'X' }), 404, 'NOT_FOUND');
  });
});

describe('GET /api/users/:id/sessions', () => {
  it('lists the user\'s active sessions, none of them marked current for the admin, and 404 for an unknown user', async () => {
    const password = strongPassword();
    const user = await createUser(t, admin, { username: 'watched.user', password });
    const first = await login(t, user.username, password, 'first-device');
    await login(t, user.username, password, 'second-device');
    await t.http().post('/api/auth/logout').set(first.auth).expect(204);
    const response = await api.get(`/api/users/${user.id}/sessions`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual([expect.objectContaining({ userAgent: 'second-device', current: false, ip: '127.0.0.1' })]);
    expectProblem(await api.get('/api/users/00000000-0000-4000-8000-000000000000/sessions'), 404, 'NOT_FOUND');
    expectProblem(await api.get('/api/users/nope/sessions'), 404, 'NOT_FOUND');
  });
});

describe('GET /api/users', () => {
  beforeAll(async () => {
    await createUser(t, admin, { username: 'zeta.username', displayName: 'Plain One', email: 'one@example.org' });
    await createUser(t, admin, { username: 'plain.two', displayName: 'The ZETA Family', email: 'two@example.org' });
    await createUser(t, admin, { username: 'plain.three', displayName: 'Plain Three', email: 'three.zeta@example.org', type: 'parent' });
    await createUser(t, admin, { username: 'plain.four', displayName: 'Plain Four', email: 'four@example.org', type: 'parent' });
    // Enough users for a default page of 50 to be full.
    for (let i = (await userCount()) + 1; i <= 55; i++) await createUser(t, admin, { username: `filler.${String(i).padStart(3, '0')}`, type: i % 3 === 0 ? 'supplier' : 'customer' });
  });

  it('searches username, display name and email, case-insensitively', async () => {
    const response = await api.get('/api/users?search=ZeTa');
    expect(response.status).toBe(200);
    expect(response.body.items.map((u: { username: string }) => u.username)).toEqual(['plain.three', 'plain.two', 'zeta.username']);
    expect(response.body.nextCursor).toBeNull();
  });

  it('treats % and _ in a search literally', async () => {
    expect((await api.get('/api/users?search=%25')).body.items).toEqual([]);
    expect((await api.get('/api/users?search=_')).body.items).toEqual([]);
  });

  it('filters by type, alone and with a search', async () => {
    const parents = (await api.get('/api/users?type=parent&limit=200')).body.items as { type: string; username: string }[];
    const [{ n }] = await t.sql<{ n: number }>(`select count(*)::int as n from app_user where type = 'parent'`);
    expect(parents.length).toBe(n);
    expect(parents.every((u) => u.type === 'parent')).toBe(true);
    const both = (await api.get('/api/users?type=parent&search=zeta')).body.items as { username: string }[];
    expect(both.map((u) => u.username)).toEqual(['plain.three']);
  });

  it('returns 50 users by default, ordered by username, with a cursor to the next page', async () => {
    const response = await api.get('/api/users');
    expect(response.status).toBe(200);
    expect(response.body.items).toHaveLength(50);
    expect(typeof response.body.nextCursor).toBe('string');
    const names = response.body.items.map((u: { username: string }) => u.username);
    expect(names).toEqual([...names].sort());
  });

  it.each([1, 2, 7, 200])('walks every user exactly once with keyset pagination at limit %i', async (limit) => {
    const all = (await t.sql<{ username: string }>('select username from app_user order by username')).map((r) => r.username);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 1000; page++) {
      const response: Response = await api.get(`/api/users?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(response.status).toBe(200);
      expect(response.body.items.length).toBeLessThanOrEqual(limit);
      seen.push(...response.body.items.map((u: { username: string }) => u.username));
      cursor = response.body.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual(all);
  });

  it('paginates a filtered list too', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response: Response = await api.get(`/api/users?type=supplier&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...response.body.items.map((u: { username: string }) => u.username));
      cursor = response.body.nextCursor;
    } while (cursor);
    const expected = (await t.sql<{ username: string }>(`select username from app_user where type = 'supplier' order by username`)).map((r) => r.username);
    expect(expected.length).toBeGreaterThan(3);
    expect(seen).toEqual(expected);
  });

  it.each(['0', '201', '-1', 'abc', '1.5', '', '1e2'])('refuses limit=%p with 400 naming limit', async (limit) => {
    const response = await api.get(`/api/users?limit=${limit}`);
    expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(fieldsOf(response)).toEqual(['limit']);
  });

  it('refuses a cursor it did not issue with 400 naming cursor', async () => {
    for (const cursor of ['garbage!!', 'bm90LWEtY3Vyc29y', Buffer.from('u1:').toString('base64url'), Buffer.from('u1:UPPER CASE').toString('base64url'), 'x'.repeat(201)]) {
      const response = await api.get(`/api/users?cursor=${encodeURIComponent(cursor)}`);
      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(response)).toEqual(['cursor']);
    }
  });

  it('refuses unknown query parameters, an unknown type and repeated parameters with 400', async () => {
    for (const [query, field] of [
      ['sort=username', 'sort'],
      ['type=admin', 'type'],
      ['search=a&search=b', 'search'],
      ['limit=5&limit=6', 'limit'],
    ]) {
      const response = await api.get(`/api/users?${query}`);
      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(response)).toEqual([field]);
    }
  });

  it('shows resetPassword false only on the caller\'s own record', async () => {
    const items = (await api.get('/api/users?limit=200')).body.items as { id: string; actions: { resetPassword: boolean } }[];
    for (const item of items) expect(item.actions.resetPassword).toBe(item.id !== admin.user.id);
  });
});

describe('the IQAMA number', () => {
  it('never appears in any response body of this suite', async () => {
    expect(iqamasUsed.length).toBeGreaterThan(3);
    expect(received.length).toBeGreaterThan(100);
    const leaks = received.filter((body) => iqamasUsed.some((number) => body.includes(number)));
    expect(leaks).toEqual([]);
  });
});
