import fc from 'fast-check';
import { ADMIN, createUser, loginAdmin, SignedIn, startApp, TestApp, validIqama } from '../support/harness';
import { expectProblem } from '../auth/support';

let t: TestApp;
let admin: SignedIn;

beforeAll(async () => {
  t = await startApp();
  admin = await loginAdmin(t);
});

afterAll(async () => {
  await t?.stop();
});

function response400Fields(response: { body: { errors?: { field: string }[] } }): string[] {
  return (response.body.errors ?? []).map((e) => e.field);
}

async function userCount(): Promise<number> {
  return (await t.sql<{ n: number }>('select count(*)::int as n from app_user'))[0].n;
}

const newUser = JSON.stringify({ username: 'edge.case.user', displayName: 'Edge', type: 'user' });

describe('request bodies', () => {
  it('answers a body that is not JSON with 415 problem+json, creating nothing', async () => {
    const before = await userCount();
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x']) {
      const response = await t.http().post('/api/users').set(admin.auth).set('Content-Type', contentType).send(newUser);
      expectProblem(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
    const form = await t.http().post('/api/users').set(admin.auth).set('X-Request-Id', 'form-request-1').type('form').send({ username: 'form.user', displayName: 'Form', type: 'user' });
    expectProblem(form, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(form.headers['x-request-id']).toBe('form-request-1');
    const signIn = await t.http().post('/api/auth/login').set('Content-Type', 'text/plain').send(JSON.stringify({ login: ADMIN.username, password: ADMIN.password }));
    expectProblem(signIn, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(await userCount()).toBe(before);
  });

  it('accepts JSON with a charset', async () => {
    const response = await t.http().post('/api/auth/login').set('Content-Type', 'application/json; charset=utf-8').send(JSON.stringify({ login: ADMIN.username, password: ADMIN.password }));
    expect(response.status).toBe(200);
  });

  it('answers malformed JSON with 400 VALIDATION_FAILED', async () => {
    for (const body of ['{"username": "x",', '{username: "x"}', "{'a': 1}", '{"a": 1}}']) {
      const response = await t.http().post('/api/users').set(admin.auth).set('Content-Type', 'application/json').send(body);
      expectProblem(response, 400, 'VALIDATION_FAILED');
    }
    const empty = await t.http().post('/api/auth/refresh').set('Content-Type', 'application/json').send('');
    expectProblem(empty, 400, 'VALIDATION_FAILED');
  });

  it('answers a JSON null, array, string or number body with 400 on every endpoint that takes a body', async () => {
    const targets: [string, string, boolean][] = [
      ['post', '/api/users', true],
      ['patch', `/api/users/${admin.user.id}`, true],
      ['post', '/api/auth/login', false],
      ['post', '/api/auth/refresh', false],
      ['patch', '/api/auth/me', true],
      ['post', '/api/auth/change-password', true],
    ];
    for (const [method, path, authenticated] of targets) {
      for (const body of ['null', '[]', '"text"', '42', 'true']) {
        let request = method === 'post' ? t.http().post(path) : t.http().patch(path);
        if (authenticated) request = request.set(admin.auth);
        const response = await request.set('Content-Type', 'application/json').send(body);
        expectProblem(response, 400, 'VALIDATION_FAILED');
      }
    }
    // The admin is as before: nothing was changed by any of these.
    const me = await t.http().get('/api/auth/me').set(admin.auth);
    expect(me.body).toMatchObject({ displayName: 'Administrator', locale: 'en', roles: ['admin'] });
    expect((await loginAdmin(t)).user.id).toBe(admin.user.id);
  });

  it('refuses prototype-polluting bodies with 400, creating nothing', async () => {
    const before = await userCount();
    for (const body of [
      '{"username":"proto.user","displayName":"P","type":"user","__proto__":{"roles":["admin"]}}',
      '{"username":"proto.user","displayName":"P","type":"user","constructor":{"prototype":{"roles":["admin"]}}}',
    ]) {
      const response = await t.http().post('/api/users').set(admin.auth).set('Content-Type', 'application/json').send(body);
      expectProblem(response, 400, 'VALIDATION_FAILED');
    }
    expect(await userCount()).toBe(before);
    expect(({} as { roles?: unknown }).roles).toBeUndefined();
  });

  it('refuses a NUL character in any text with 400 naming the field, changing nothing', async () => {
    const nul = 'a\u0000b';
    const before = await userCount();
    const cases: [string, string, Record<string, unknown>, string, boolean][] = [
      ['post', '/api/users', { username: 'nul.user', displayName: nul, type: 'user' }, 'displayName', true],
      ['post', '/api/users', { username: 'nul.user', displayName: 'N', type: 'user', password: `Strong-${nul}-Password-81` }, 'password', true],
      ['patch', `/api/users/${admin.user.id}`, { displayName: nul }, 'displayName', true],
      ['patch', '/api/auth/me', { displayName: nul }, 'displayName', true],
      ['post', '/api/auth/change-password', { currentPassword: ADMIN.password, newPassword: `Strong-${nul}-Password-81` }, 'newPassword', true],
      ['post', '/api/auth/login', { login: `${ADMIN.username}\u0000`, password: ADMIN.password }, 'login', false],
      ['post', '/api/auth/login', { login: `${ADMIN.email}\u0000`, password: ADMIN.password }, 'login', false],
      ['post', '/api/auth/login', { login: ADMIN.username, password: `${ADMIN.password}\u0000tail` }, 'password', false],
      ['post', '/api/auth/refresh', { refreshToken: nul }, 'refreshToken', false],
    ];
    for (const [method, path, body, field, authenticated] of cases) {
      let request = method === 'post' ? t.http().post(path) : t.http().patch(path);
      if (authenticated) request = request.set(admin.auth);
      const response = await request.send(body);
      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(response.body.errors).toContainEqual({ field, message: 'must not contain a NUL character' });
    }
    const search = await t.http().get('/api/users?search=a%00b').set(admin.auth);
    expectProblem(search, 400, 'VALIDATION_FAILED');
    expect(response400Fields(search)).toEqual(['search']);
    expect(await userCount()).toBe(before);
    expect((await t.http().get('/api/auth/me').set(admin.auth)).body.displayName).toBe('Administrator');
  });

  it('answers an oversized body with 413 problem+json, creating nothing', async () => {
    const before = await userCount();
    const response = await t.http().post('/api/users').set(admin.auth).set('Content-Type', 'application/json')
      .send(JSON.stringify({ username: 'big.body', displayName: 'x'.repeat(100 * 1024), type: 'user' }));
    expectProblem(response, 413, 'PAYLOAD_TOO_LARGE');
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(await userCount()).toBe(before);
  });
});

describe('errors', () => {
  it('answers unknown routes with 404 problem+json', async () => {
    expectProblem(await t.http().get('/api/nothing-here').set(admin.auth), 404, 'NOT_FOUND');
    expectProblem(await t.http().get('/api/nothing-here'), 404, 'NOT_FOUND');
    expectProblem(await t.http().delete(`/api/users/${admin.user.id}`).set(admin.auth), 404, 'NOT_FOUND');
  });

  it('field problems name the field and say what is wrong', async () => {
    const response = await t.http().post('/api/users').set(admin.auth).send({ username: 'field.errors', displayName: 'F', type: 'user', email: 'nope', extra: 1 });
    expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(response.body.errors).toEqual(expect.arrayContaining([
      { field: 'email', message: 'must be a valid email address' },
      { field: 'extra', message: 'is not a known field' },
    ]));
    expect(response.body.detail).toBe('The request has 2 invalid fields.');
    expect(response.body.title).toBe('Bad Request');
  });
});

describe('request ids', () => {
  it('echoes a well-formed X-Request-Id, on success and on errors', async () => {
    const ok = await t.http().get('/api/health').set('X-Request-Id', 'trace-12345678');
    expect(ok.headers['x-request-id']).toBe('trace-12345678');
    const failed = await t.http().get('/api/users').set('X-Request-Id', 'trace-abcdefgh');
    expect(failed.status).toBe(401);
    expect(failed.headers['x-request-id']).toBe('trace-abcdefgh');
  });

  it('makes up a request id when none or a malformed one is sent', async () => {
    const none = await t.http().get('/api/health');
    expect(none.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const malformed = await t.http().get('/api/health').set('X-Request-Id', 'bad id\twith spaces');
    expect(malformed.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const another = await t.http().get('/api/health');
    expect(another.headers['x-request-id']).not.toBe(none.headers['x-request-id']);
  });
});

describe('client address', () => {
  it('ignores X-Forwarded-For unless TRUST_PROXY is set', async () => {
    const response = await t.http().post('/api/auth/login').set('X-Forwarded-For', '203.0.113.99').send({ login: ADMIN.username, password: ADMIN.password });
    expect(response.status).toBe(200);
    const sessions = (await t.http().get('/api/auth/sessions').set('Authorization', `Bearer ${response.body.accessToken}`)).body as { ip: string; current: boolean }[];
    expect(sessions.find((s) => s.current)?.ip).toBe('127.0.0.1');
  });
});

describe('operations', () => {
  it('answers /api/health and /api/health/ready with 200 without a token', async () => {
    const live = await t.http().get('/api/health');
    expect(live.status).toBe(200);
    expect(live.body).toEqual({ status: 'ok' });
    const ready = await t.http().get('/api/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok' });
  });

  it('serves an OpenAPI document at /api/docs-json listing the paths, and the UI at /api/docs', async () => {
    const response = await t.http().get('/api/docs-json');
    expect(response.status).toBe(200);
    expect(response.body.openapi).toMatch(/^3\./);
    const paths = Object.keys(response.body.paths);
    expect(paths).toEqual(expect.arrayContaining([
      '/api/auth/login',
      '/api/auth/refresh',
      '/api/auth/logout',
      '/api/auth/me',
      '/api/auth/change-password',
      '/api/auth/sessions',
      '/api/users',
      '/api/users/{id}',
      '/api/users/{id}/sessions',
      '/api/health',
      '/api/health/ready',
    ]));
    expect(Object.keys(response.body.paths['/api/users'])).toEqual(expect.arrayContaining(['get', 'post']));
    expect(Object.keys(response.body.paths['/api/auth/me'])).toEqual(expect.arrayContaining(['get', 'patch']));
    expect(response.body.components?.schemas?.UserView?.properties).toEqual(expect.objectContaining({ emailValid: expect.anything(), iqamaLast4: expect.anything() }));
    const ui = await t.http().get('/api/docs');
    expect(ui.status).toBe(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
  });

  it('describes the list query parameters and the login body', async () => {
    const doc = (await t.http().get('/api/docs-json')).body;
    const params = (doc.paths['/api/users'].get.parameters as { name: string }[]).map((p) => p.name);
    expect(params).toEqual(expect.arrayContaining(['search', 'type', 'limit', 'cursor']));
    expect(doc.paths['/api/auth/login'].post.requestBody).toBeDefined();
  });
});

// Last: these requests fail sign-ins and change-passwords of the admin, so nothing signs in after them.
describe('bad input anywhere', () => {
  /** Values of every JSON type, plus near-misses of the real formats. */
  const anyValue = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.oneof(fc.string({ maxLength: 10 }), fc.integer()), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
    fc.constantFrom('admin', 'auditor', 'parent', 'customer', 'en', 'ar', '', ' ', 'a@b.co', 'x'.repeat(300), '1000000008', '2000000006', '__proto__', 'constructor', 'a\u0000b', '\u0000'),
    fc.constantFrom(['admin'], ['admin', 'admin'], ['auditor', 'admin'], [null], [[]]),
  );
  const body = (fields: string[]) =>
    fc.tuple(fc.record(Object.fromEntries(fields.map((f) => [f, anyValue])), { requiredKeys: [] }), fc.option(fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), anyValue)))
      .map(([record, extra]) => (extra ? { ...record, [extra[0]]: extra[1] } : record));

  async function expectNever5xx(method: 'post' | 'patch', path: string, fields: string[], auth: boolean, runs: number): Promise<void> {
    await fc.assert(
      fc.asyncProperty(body(fields), async (payload) => {
        let request = method === 'post' ? t.http().post(path) : t.http().patch(path);
        if (auth) request = request.set(admin.auth);
        const response = await request.set('Content-Type', 'application/json').send(JSON.stringify(payload));
        if (response.status >= 500) throw new Error(`${method} ${path} ${JSON.stringify(payload)} -> ${response.status} ${response.text}`);
        if (response.status >= 400) {
          expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
          expect(response.body.code).toMatch(/^[A-Z_]+$/);
        }
      }),
      { numRuns: runs },
    );
  }

  it('never answers 5xx to any JSON body on the user endpoints', async () => {
    const target = await createUser(t, admin, { username: 'fuzz.target', type: 'parent', iqamaNumber: validIqama(2) });
    await expectNever5xx('post', '/api/users', ['username', 'displayName', 'email', 'type', 'roles', 'locale', 'iqamaNumber', 'password'], true, 120);
    await expectNever5xx('patch', `/api/users/${target.id}`, ['displayName', 'email', 'locale', 'iqamaNumber', 'roles'], true, 120);
  });

  it('never answers 5xx to any query string on the user list', async () => {
    const key = fc.constantFrom('search', 'type', 'limit', 'cursor', 'search[]', 'limit[x]', 'x');
    const value = fc.oneof(fc.string({ maxLength: 30 }), fc.integer().map(String), fc.constantFrom('dTE6', 'dTE6YWRtaW4', '%', '%25', '\\', "'", 'null', 'a\u0000b'));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(key, value), { maxLength: 3 }), async (pairs) => {
        const query = new URLSearchParams(pairs).toString();
        const response = await t.http().get(`/api/users?${query}`).set(admin.auth);
        if (response.status >= 500) throw new Error(`GET /api/users?${query} -> ${response.status} ${response.text}`);
        expect([200, 400]).toContain(response.status);
      }),
      { numRuns: 150 },
    );
  });

  it('never answers 5xx to any JSON body on the auth endpoints', async () => {
    await expectNever5xx('patch', '/api/auth/me', ['displayName', 'locale'], true, 80);
    await expectNever5xx('post', '/api/auth/refresh', ['refreshToken'], false, 60);
    await expectNever5xx('post', '/api/auth/change-password', ['currentPassword', 'newPassword'], true, 60);
    await expectNever5xx('post', '/api/auth/login', ['login', 'password'], false, 60);
  });
});

describe('paths', () => {
  it('answers a path with broken percent-encoding with 400 problem+json, not the router\'s own body', async () => {
    const response = await t.http().get('/api/users/%E0%A4%A').set(admin.auth);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });
});
