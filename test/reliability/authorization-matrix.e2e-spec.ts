import type { Response, Test } from 'supertest';
import { CreatedUser, strongPassword, SignedIn, USER_TYPES } from './support/api';
import { BCRYPT_COST, Instance } from './support/cluster';
import { scanForSecrets } from './support/secrets';
import { inBatches, Rig, startRig } from './support/suite';
import { claimsOf, expiredToken, tokenSignedWithAnotherKey, unsignedToken, verifiesWithDerivedKey } from './support/tokens';

jest.setTimeout(60000);

const ORDINARY = USER_TYPES;
const INVALID = ['anonymous', 'revoked session', 'expired token', 'token signed with another key', 'alg none token'] as const;
const CALLERS = [...INVALID, ...ORDINARY, 'must change password', 'auditor', 'admin', 'admin on own account'] as const;
type Caller = (typeof CALLERS)[number];

/** A status, or a status and the problem code it must carry (401 → UNAUTHENTICATED and 403 → FORBIDDEN unless given). */
type Expected = number | [number, string];

interface Cell {
  on: Instance;
  auth: Record<string, string>;
  caller: Principal;
  /** The user an :id endpoint is called on: the caller's own account for "admin on own account". */
  target: { id: string; resetId: string };
  subject: { username: string; password: string; refreshToken: string };
  /** Records a secret the request carries, for the scan at the end. */
  remember(secret: string): string;
}

interface Row {
  invalid: Expected;
  ordinary: Expected;
  mustChange: Expected;
  auditor: Expected;
  admin: Expected;
  adminSelf: Expected;
  send(cell: Cell): Test;
  /** The call ends or changes the caller's session or password: every caller is made afresh for it. */
  freshCaller?: boolean;
  /** The call uses up the target's pending reset: a new target for every cell. */
  freshTarget?: boolean;
}

const PCR: Expected = [403, 'PASSWORD_CHANGE_REQUIRED'];
const everyone = (status: number) => ({ invalid: status, ordinary: status, mustChange: status, auditor: status, admin: status, adminSelf: status });
const signedIn = (status: number, gated: boolean) => ({ invalid: 401, ordinary: status, mustChange: gated ? PCR : status, auditor: status, admin: status, adminSelf: status });
const adminOnly = (status: number, self: Expected = status) => ({ invalid: 401, ordinary: 403, mustChange: PCR, auditor: 403, admin: status, adminSelf: self });
const auditors = (status: number) => ({ invalid: 401, ordinary: 403, mustChange: PCR, auditor: status, admin: status, adminSelf: status });

/**
 * Every endpoint of /api/docs-json × every kind of caller. A new endpoint without a row, or a row whose
 * endpoint is gone, fails the test.
 */
const MATRIX: Record<string, Row> = {
  'GET /api/health': { ...everyone(200), send: (c) => c.on.http().get('/api/health').set(c.auth) },
  'GET /api/health/ready': { ...everyone(200), send: (c) => c.on.http().get('/api/health/ready').set(c.auth) },
  'POST /api/auth/login': {
    ...everyone(200),
    send: (c) => c.on.http().post('/api/auth/login').set(c.auth).send({ login: c.subject.username, password: c.subject.password }),
  },
  'POST /api/auth/refresh': { ...everyone(200), send: (c) => c.on.http().post('/api/auth/refresh').set(c.auth).send({ refreshToken: c.subject.refreshToken }) },
  'GET /api/auth/me': { ...signedIn(200, false), send: (c) => c.on.http().get('/api/auth/me').set(c.auth) },
  'PATCH /api/auth/me': { ...signedIn(200, true), send: (c) => c.on.http().patch('/api/auth/me').set(c.auth).send({ displayName: 'Matrix caller' }) },
  'POST /api/auth/logout': { ...signedIn(204, false), freshCaller: true, send: (c) => c.on.http().post('/api/auth/logout').set(c.auth) },
  'POST /api/auth/change-password': {
    ...signedIn(204, false),
    freshCaller: true,
    send: (c) => c.on.http().post('/api/auth/change-password').set(c.auth).send({ currentPassword: c.caller.password ?? 'not-known-123456', newPassword: c.remember(strongPassword()) }),
  },
  'GET /api/auth/sessions': { ...signedIn(200, true), send: (c) => c.on.http().get('/api/auth/sessions').set(c.auth) },
  'GET /api/users': { ...adminOnly(200), send: (c) => c.on.http().get('/api/users?limit=5').set(c.auth) },
  'POST /api/users': {
    ...adminOnly(201),
    send: (c) => {
      const username = `m${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
      return c.on.http().post('/api/users').set(c.auth).send({ username, displayName: 'Matrix', type: 'customer', email: `${username}@example.org` });
    },
  },
  'GET /api/users/{id}': { ...adminOnly(200), send: (c) => c.on.http().get(`/api/users/${c.target.id}`).set(c.auth) },
  'PATCH /api/users/{id}': { ...adminOnly(200), send: (c) => c.on.http().patch(`/api/users/${c.target.id}`).set(c.auth).send({ displayName: 'Matrix target' }) },
  'POST /api/users/{id}/password-resets': {
    ...adminOnly(201, [403, 'SELF_RESET_FORBIDDEN']),
    send: (c) => c.on.http().post(`/api/users/${c.target.id}/password-resets`).set(c.auth).send({ reason: 'matrix' }),
  },
  'GET /api/users/{id}/password-resets': { ...adminOnly(200), send: (c) => c.on.http().get(`/api/users/${c.target.id}/password-resets`).set(c.auth) },
  'POST /api/users/{id}/password-resets/{resetId}/complete': {
    // No reset of one's own account can exist: the path names one's own id with someone else's reset.
    ...adminOnly(200, [404, 'NOT_FOUND']),
    freshTarget: true,
    send: (c) =>
      c.on.http().post(`/api/users/${c.target.id}/password-resets/${c.target.resetId}/complete`).set(c.auth).send({ sendEmail: false, logoutSessions: true }),
  },
  'GET /api/users/{id}/password-resets/{resetId}': {
    ...adminOnly(200, [404, 'NOT_FOUND']),
    send: (c) => c.on.http().get(`/api/users/${c.target.id}/password-resets/${c.target.resetId}`).set(c.auth),
  },
  'GET /api/users/{id}/sessions': { ...adminOnly(200), send: (c) => c.on.http().get(`/api/users/${c.target.id}/sessions`).set(c.auth) },
  'GET /api/audit/events': { ...auditors(200), send: (c) => c.on.http().get('/api/audit/events?limit=5').set(c.auth) },
  'GET /api/audit/verify': { ...auditors(200), send: (c) => c.on.http().get('/api/audit/verify').set(c.auth) },
  'GET /api/audit/summary': { ...auditors(200), send: (c) => c.on.http().get('/api/audit/summary?groupBy=action').set(c.auth) },
};

interface Principal {
  caller: Caller;
  auth: Record<string, string>;
  id: string;
  username: string;
  password?: string;
}

function expectationOf(row: Row, caller: Caller): [number, string | undefined] {
  const group: Expected =
    (INVALID as readonly string[]).includes(caller)
      ? row.invalid
      : (ORDINARY as readonly string[]).includes(caller)
        ? row.ordinary
        : caller === 'must change password'
          ? row.mustChange
          : caller === 'auditor'
            ? row.auditor
            : caller === 'admin'
              ? row.admin
              : row.adminSelf;
  if (Array.isArray(group)) return group;
  return [group, group === 401 ? 'UNAUTHENTICATED' : group === 403 ? 'FORBIDDEN' : undefined];
}

describe('authorization matrix', () => {
  let rig: Rig;
  let boot: SignedIn;
  let app: Instance;

  beforeAll(async () => {
    rig = await startRig({ suite: 'matrix', instances: 1, env: { RESET_MAX_PER_ADMIN_PER_MINUTE: '10000' } });
    app = rig.cluster.a;
    boot = await rig.api.loginAdmin(app);
  }, 90000);

  afterAll(async () => {
    await rig?.stop();
  });

  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  async function signedInUser(fields: { type?: string; roles?: string[] }): Promise<Principal & { token: string; user: CreatedUser }> {
    const user = await rig.api.userWhoCanSignIn(app, boot, fields);
    const session = await rig.api.login(app, user.username, user.password);
    return { caller: 'admin', auth: session.auth, id: user.id, username: user.username, password: user.password, token: session.accessToken, user };
  }

  async function make(caller: Caller): Promise<Principal> {
    if (caller === 'anonymous') return { caller, auth: {}, id: '', username: '' };
    if ((ORDINARY as readonly string[]).includes(caller)) return { ...(await signedInUser({ type: caller })), caller };
    if (caller === 'auditor') return { ...(await signedInUser({ type: 'employee', roles: ['auditor'] })), caller };
    if (caller === 'must change password') {
      // An admin by role: the gate must answer before the roles are looked at.
      const password = strongPassword();
      const user = await rig.api.createUser(app, boot, { type: 'employee', roles: ['admin'], password });
      const session = await rig.api.login(app, user.username, password);
      expect(session.user.mustChangePassword).toBe(true);
      return { caller, auth: session.auth, id: user.id, username: user.username, password };
    }
    const admin = await signedInUser({ type: 'employee', roles: ['admin'] });
    switch (caller) {
      case 'admin':
      case 'admin on own account':
        return { ...admin, caller };
      case 'revoked session':
        await app.http().post('/api/auth/logout').set(admin.auth).expect(204);
        return { ...admin, caller };
      case 'expired token':
        return { ...admin, caller, auth: bearer(expiredToken(admin.token)) };
      case 'token signed with another key':
        return { ...admin, caller, auth: bearer(tokenSignedWithAnotherKey(admin.token)) };
      case 'alg none token':
        return { ...admin, caller, auth: bearer(unsignedToken(admin.token)) };
    }
    throw new Error(`unknown caller ${caller}`);
  }

  it('answers every endpoint listed in /api/docs-json, for every kind of caller, with the status the matrix gives (and no endpoint lacks a row)', async () => {
    const docs = await app.http().get('/api/docs-json').expect(200);
    const listed = Object.entries(docs.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, operations]) =>
      Object.keys(operations)
        .filter((method) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );

    // The forged tokens are only meaningful if the real key is the one derived here.
    const probe = await rig.api.loginAdmin(app);
    expect(verifiesWithDerivedKey(probe.accessToken)).toBe(true);
    expect(claimsOf(probe.accessToken).sid).toEqual(expect.any(String));

    const shared = new Map<Caller, Principal>();
    for (const caller of CALLERS) shared.set(caller, await make(caller));
    const sharedTarget = await rig.api.createUser(app, boot, { type: 'customer' });
    const sharedReset = await rig.api.reset(app, boot, sharedTarget.id);
    const subject = await rig.api.userWhoCanSignIn(app, boot, { type: 'supplier' });

    const cells = Object.entries(MATRIX)
      .filter(([endpoint]) => listed.includes(endpoint))
      .flatMap(([endpoint, row]) => CALLERS.map((caller) => ({ endpoint, row, caller })));
    const mismatches: string[] = [];
    await inBatches(cells, 4, async ({ endpoint, row, caller }) => {
      const principal = row.freshCaller ? await make(caller) : shared.get(caller)!;
      let target = { id: sharedTarget.id, resetId: sharedReset.id };
      if (row.freshTarget) {
        const user = await rig.api.createUser(app, boot, { type: 'customer' });
        target = { id: user.id, resetId: (await rig.api.reset(app, boot, user.id)).id };
      }
      if (caller === 'admin on own account') target = { ...target, id: principal.id };
      const refreshToken = endpoint === 'POST /api/auth/refresh' ? (await rig.api.login(app, subject.username, subject.password)).refreshToken : '';
      const response: Response = await row.send({
        on: app,
        auth: principal.auth,
        caller: principal,
        target,
        subject: { username: subject.username, password: subject.password, refreshToken },
        remember: (secret) => {
          rig.secrets.add('password', secret);
          return secret;
        },
      });
      for (const key of ['refreshToken', 'accessToken'] as const) if (typeof response.body?.[key] === 'string') rig.secrets.add(key === 'refreshToken' ? 'refresh token' : 'access token', response.body[key]);
      if (typeof response.body?.password === 'string') rig.secrets.add('password', response.body.password);
      const [status, code] = expectationOf(row, caller);
      const actual = `${response.status}${response.status >= 400 ? ` ${JSON.parse(response.text || '{}').code}` : ''}`;
      const wanted = `${status}${code ? ` ${code}` : status >= 400 ? ` ${JSON.parse(response.text || '{}').code}` : ''}`;
      if (actual !== wanted) mismatches.push(`${endpoint} as ${caller}: expected ${wanted}, got ${actual}`);
      if (response.status >= 400 && !/^application\/problem\+json/.test(String(response.headers['content-type']))) {
        mismatches.push(`${endpoint} as ${caller}: ${response.status} is not problem+json`);
      }
    });

    expect({
      endpointsWithoutRow: listed.filter((endpoint) => !MATRIX[endpoint]),
      rowsWithoutEndpoint: Object.keys(MATRIX).filter((endpoint) => !listed.includes(endpoint)),
      mismatches,
    }).toEqual({ endpointsWithoutRow: [], rowsWithoutEndpoint: [], mismatches: [] });
    expect(cells.length).toBe(Object.keys(MATRIX).length * CALLERS.length);
  }, 240000);

  it('leaves no secret in the logs, the tables or the job payloads', async () => {
    const result = await scanForSecrets(rig.db, rig.secrets, rig.cluster.logFiles, BCRYPT_COST);
    expect(result.findings).toEqual([]);
  });
});
