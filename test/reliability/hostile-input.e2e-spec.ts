import fc from 'fast-check';
import { request as httpRequest } from 'node:http';
import type { Response, Test } from 'supertest';
import { SignedIn, strongPassword } from './support/api';
import { BCRYPT_COST, Instance } from './support/cluster';
import { hostileBody, hostileQuery, hostileSegment, hostileString, nested, poisonsPrototype } from './support/hostile';
import { scanForSecrets } from './support/secrets';
import { Rig, startRig } from './support/suite';

jest.setTimeout(60000);

/** Runs per operation and kind of input, and the time one property may take before it stops early. */
const NUM_RUNS = 40;
const TIME_CAP_MS = 15000;
/** Below this many runs in the time cap, the property proved too little: fail rather than pass quietly. */
const MIN_RUNS = 10;
const ANSWER_DEADLINE_MS = 15000;

interface Operation {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: string;
  pathParams: string[];
  queryParams: string[];
  headerParams: string[];
  bodyFields: string[];
  requiredFields: string[];
}

/**
 * Property-based attacks (fast-check) on every body, query, path and header parameter that
 * /api/docs-json lists: never a 5xx, always problem+json with a code (and field errors naming fields),
 * and a refused request changes nothing in the database.
 */
/** A field error names `field` itself, or a property inside one of `names` (dotted). */
function named(field: string, names: string[]): boolean {
  return names.some((name) => field === name || field.startsWith(`${name}.`));
}

/** Long inputs (10,000-deep nesting) shown by their ends. */
function clip(text: string, max = 400): string {
  return text.length <= max ? text : `${text.slice(0, max / 2)} …(${text.length} chars)… ${text.slice(-max / 4)}`;
}

describe('hostile input', () => {
  let rig: Rig;
  let app: Instance;
  let admin: SignedIn;
  let self: SignedIn;
  let operations: Operation[];

  beforeAll(async () => {
    rig = await startRig({
      suite: 'hostile',
      instances: 1,
      env: { RESET_MAX_PER_ADMIN_PER_MINUTE: '100000', LOGIN_MAX_FAILURES_PER_IP: '100000' },
    });
    app = rig.cluster.a;
    admin = await rig.api.loginAdmin(app);
    const user = await rig.api.userWhoCanSignIn(app, admin, { type: 'employee' });
    self = await rig.api.login(app, user.username, user.password);
    const docs = (await app.http().get('/api/docs-json').expect(200)).body;
    operations = Object.entries(docs.paths as Record<string, Record<string, { parameters?: { in: string; name: string }[]; requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> } }>>).flatMap(
      ([path, ops]) =>
        Object.entries(ops).map(([method, op]) => {
          const ref = op.requestBody?.content?.['application/json']?.schema?.$ref?.split('/').pop();
          const schema = ref ? docs.components.schemas[ref] : undefined;
          const params = op.parameters ?? [];
          return {
            method: method as Operation['method'],
            path,
            pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
            queryParams: params.filter((p) => p.in === 'query').map((p) => p.name),
            headerParams: [...new Set(params.filter((p) => p.in === 'header').map((p) => p.name.toLowerCase()))],
            bodyFields: Object.keys(schema?.properties ?? {}),
            requiredFields: schema?.required ?? [],
          };
        }),
    );
  }, 90000);

  afterAll(async () => {
    await rig?.stop();
  });

  /** A target user without email (so no email job runs in the background) and a pending reset of it. */
  async function fixture(): Promise<{ id: string; resetId: string }> {
    const user = await rig.api.createUser(app, admin, { type: 'customer', email: null });
    const reset = await rig.api.reset(app, admin, user.id);
    return { id: user.id, resetId: reset.id };
  }

  function urlOf(op: Operation, ids: Record<string, string>): string {
    return op.path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? 'x');
  }

  function authFor(op: Operation): Record<string, string> {
    if (op.path === '/api/auth/login' || op.path === '/api/auth/refresh') return {};
    return op.path.startsWith('/api/auth/') ? self.auth : admin.auth;
  }

  function start(op: Operation, url: string): Test {
    return app.http()[op.method](url).set(authFor(op));
  }

  /** The checks every answer to hostile input must pass; returns what is wrong, or null. */
  async function answerProblems(
    send: () => Test,
    fieldsOk: (field: string) => boolean,
    expectFieldErrors: boolean,
    mustName?: string,
  ): Promise<string | null> {
    const before = await rig.db.fingerprint();
    let response: Response;
    try {
      response = await send().timeout({ response: ANSWER_DEADLINE_MS, deadline: ANSWER_DEADLINE_MS });
    } catch (error) {
      return `no answer: ${(error as Error).message}`;
    }
    const text = response.text ?? '';
    if (response.status >= 500) return `answered ${response.status}: ${text.slice(0, 300)}`;
    if (response.status < 400) {
      if (typeof response.body?.password === 'string') rig.secrets.add('password', response.body.password);
      return mustName ? `accepted with ${response.status}: the unknown field ${mustName} was not refused` : null;
    }
    if (!/^application\/problem\+json/.test(String(response.headers['content-type']))) return `${response.status} is not problem+json: ${text.slice(0, 200)}`;
    let problem: { status?: number; code?: string; errors?: { field?: string }[] };
    try {
      problem = JSON.parse(text);
    } catch {
      return `${response.status} body is not JSON: ${text.slice(0, 200)}`;
    }
    if (problem.status !== response.status || typeof problem.code !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(problem.code)) return `bad problem: ${text.slice(0, 300)}`;
    if (response.status === 400 && problem.code === 'VALIDATION_FAILED' && expectFieldErrors) {
      const fields = (problem.errors ?? []).map((e) => String(e.field));
      if (fields.length === 0) return `400 VALIDATION_FAILED names no field: ${text.slice(0, 300)}`;
      const strangers = fields.filter((field) => !fieldsOk(field));
      if (strangers.length > 0) return `400 names fields that were not sent or declared (${strangers.join(', ')}): ${text.slice(0, 300)}`;
      if (mustName && !fields.includes(mustName)) return `400 does not name ${mustName}: ${text.slice(0, 300)}`;
    } else if (mustName) {
      return `expected 400 VALIDATION_FAILED naming ${mustName}, got ${response.status} ${problem.code}: ${text.slice(0, 300)}`;
    }
    const after = await rig.db.fingerprint();
    if (after !== before) return `refused with ${response.status} ${problem.code}, yet the database changed:\n  before ${before}\n  after  ${after}`;
    return null;
  }

  /** Runs a property per operation; collects every operation's failure so one does not hide another. */
  async function forEachOperation<T>(
    which: (op: Operation) => boolean,
    arbitrary: (op: Operation) => fc.Arbitrary<T>,
    check: (op: Operation, input: T, ids: { id: string; resetId: string }) => Promise<string | null>,
  ): Promise<{ failures: string[]; covered: string[] }> {
    const failures: string[] = [];
    const covered: string[] = [];
    for (const op of operations.filter(which)) {
      const ids = await fixture();
      const result = await fc.check(
        fc.asyncProperty(arbitrary(op), async (input) => {
          const problem = await check(op, input, ids);
          if (problem) throw new Error(problem);
        }),
        { numRuns: NUM_RUNS, interruptAfterTimeLimit: TIME_CAP_MS, markInterruptAsFailure: false, endOnFailure: true },
      );
      const name = `${op.method.toUpperCase()} ${op.path}`;
      covered.push(`${name} (${result.numRuns} runs)`);
      if (result.failed) {
        failures.push(`${name}: ${clip(String((result.errorInstance as Error | undefined)?.message ?? result.errorInstance))}\n  input: ${clip(fc.stringify(result.counterexample))}`);
      } else if (result.numRuns < MIN_RUNS) {
        failures.push(`${name}: only ${result.numRuns} runs within ${TIME_CAP_MS} ms`);
      }
    }
    return { failures, covered };
  }

  it('answers hostile request bodies of every operation with a 4xx problem (fields named) or a success, never a 5xx, and changes nothing when it refuses', async () => {
    const { failures, covered } = await forEachOperation(
      (op) => op.bodyFields.length > 0,
      (op) => hostileBody(op.bodyFields, {}),
      (op, body, ids) =>
        answerProblems(
          () => start(op, urlOf(op, ids)).set('Content-Type', 'application/json').send(body.text),
          (field) => named(field, [...(body.keys ?? []), ...op.bodyFields]),
          // Prototype-poisoning keys have a test of their own below.
          body.keys !== null && !poisonsPrototype(body.text),
        ),
    );
    expect({ covered: covered.length, failures }).toEqual({ covered: operations.filter((op) => op.bodyFields.length > 0).length, failures: [] });
  }, 300000);

  it('answers hostile query strings of every operation with a 4xx problem (parameters named) or a success, never a 5xx', async () => {
    const { failures, covered } = await forEachOperation(
      (op) => op.queryParams.length > 0,
      (op) => hostileQuery(op.queryParams),
      (op, { query, names }, ids) =>
        answerProblems(
          () => start(op, `${urlOf(op, ids)}?${query}`),
          (field) => named(field, [...names, ...op.queryParams]),
          true,
        ),
    );
    expect({ covered: covered.length, failures }).toEqual({ covered: operations.filter((op) => op.queryParams.length > 0).length, failures: [] });
  }, 300000);

  it('answers hostile path parameters of every operation with 404 NOT_FOUND or another 4xx problem, never a 5xx, and changes nothing', async () => {
    const { failures, covered } = await forEachOperation(
      (op) => op.pathParams.length > 0,
      (op) => fc.tuple(fc.constantFrom(...op.pathParams), hostileSegment),
      (op, [param, segment], ids) =>
        answerProblems(
          () => {
            const test = start(op, urlOf(op, { ...ids, [param]: segment }));
            return op.method === 'get' ? test : test.send(op.path.endsWith('/complete') ? { sendEmail: false, logoutSessions: false } : {});
          },
          () => true,
          false,
        ),
    );
    expect({ covered: covered.length, failures }).toEqual({ covered: operations.filter((op) => op.pathParams.length > 0).length, failures: [] });
  }, 300000);

  it('answers hostile header parameters (Idempotency-Key) with 400 naming the header or a success, never a 5xx', async () => {
    const printable = hostileString.filter((s) => /^[\t\x20-\x7e\x80-\xff]*$/.test(s) && s.trim() === s);
    const { failures, covered } = await forEachOperation(
      (op) => op.headerParams.includes('idempotency-key'),
      () => fc.oneof(printable, fc.integer({ min: 256, max: 4000 }).map((n) => 'k'.repeat(n))),
      (op, key, ids) =>
        answerProblems(
          () => start(op, urlOf(op, ids)).set('Idempotency-Key', key).send({}),
          (field) => field === 'Idempotency-Key',
          true,
        ),
    );
    expect(covered.length).toBeGreaterThanOrEqual(1);
    expect(failures).toEqual([]);
  }, 120000);

  it('refuses prototype-polluting keys (__proto__, constructor.prototype) as unknown fields, naming them, and pollutes nothing', async () => {
    const failures: string[] = [];
    const bodies = [
      '{"__proto__":{"isAdmin":true,"roles":["admin"]}}',
      '{"constructor":{"prototype":{"isAdmin":true,"roles":["admin"]}}}',
      '{"prototype":{"roles":["admin"]}}',
      '{"constructor":1}',
    ];
    for (const op of operations.filter((o) => o.bodyFields.length > 0)) {
      const ids = await fixture();
      for (const text of bodies) {
        const key = /"(\w+)"/.exec(text)![1];
        const problem = await answerProblems(
          () => start(op, urlOf(op, ids)).set('Content-Type', 'application/json').send(text),
          (field) => named(field, [key, ...op.bodyFields]),
          true,
          key,
        );
        if (problem) failures.push(`${op.method.toUpperCase()} ${op.path} with ${text}: ${clip(problem, 200)}`);
      }
    }
    // Nothing was polluted: an account without the role is still refused, and objects carry no stray roles.
    expect((await app.http().get('/api/users').set(self.auth)).status).toBe(403);
    expect(({} as { roles?: unknown }).roles).toBeUndefined();
    expect(failures).toEqual([]);
  });

  it('answers bodies nested 10,000 levels deep with a 4xx problem, never a 500, and changes nothing', async () => {
    const failures: string[] = [];
    for (const op of operations.filter((o) => o.bodyFields.length > 0)) {
      const ids = await fixture();
      for (const text of [`{"${op.bodyFields[0]}":${nested(10000, 'object')}}`, `{"${op.bodyFields[0]}":${nested(10000, 'array')}}`, nested(10000, 'array')]) {
        const problem = await answerProblems(
          () => start(op, urlOf(op, ids)).set('Content-Type', 'application/json').send(text),
          (field) => field.split('.')[0] === op.bodyFields[0],
          false,
        );
        if (problem) failures.push(`${op.method.toUpperCase()} ${op.path} with ${clip(text, 60)}: ${clip(problem)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('answers an oversized URL or header with a 4xx problem+json', async () => {
    const failures: string[] = [];
    for (const [what, send] of [
      ['a 40 kB query string', () => app.http().get(`/api/users?search=${'a'.repeat(40_000)}`).set(admin.auth)],
      ['a 40 kB header', () => app.http().get('/api/users').set(admin.auth).set('X-Filler', 'a'.repeat(40_000))],
    ] as const) {
      const response = await send();
      const fine = response.status >= 400 && response.status < 500 && /^application\/problem\+json/.test(String(response.headers['content-type']));
      if (!fine) failures.push(`${what}: ${response.status} ${String(response.headers['content-type'])} ${clip(response.text, 200)}`);
    }
    expect(failures).toEqual([]);
  });

  it('refuses a body that is not JSON with 415 problem+json on every operation that takes one, changing nothing', async () => {
    const failures: string[] = [];
    for (const op of operations.filter((o) => o.bodyFields.length > 0)) {
      const ids = await fixture();
      for (const [type, text] of [
        ['text/plain', 'login=admin'],
        ['application/x-www-form-urlencoded', 'login=admin&password=x'],
        ['application/xml', '<login>admin</login>'],
        ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--'],
      ]) {
        const before = await rig.db.fingerprint();
        const response = await start(op, urlOf(op, ids)).set('Content-Type', type).send(text);
        const code = response.status >= 400 ? JSON.parse(response.text || '{}').code : undefined;
        const fine = response.status === 415 && code === 'UNSUPPORTED_MEDIA_TYPE' && /^application\/problem\+json/.test(String(response.headers['content-type']));
        if (!fine) failures.push(`${op.method.toUpperCase()} ${op.path} with ${type}: ${response.status} ${response.text.slice(0, 150)}`);
        if ((await rig.db.fingerprint()) !== before) failures.push(`${op.method.toUpperCase()} ${op.path} with ${type}: the database changed`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('refuses an oversized body early with 413 problem+json: before reading it, before authentication', async () => {
    // Declares 20 MB and sends 1 KB: an answer that comes without the rest was given without reading it.
    const answerEarly = (path: string, headers: Record<string, string>) =>
      new Promise<{ status: number; type: string; body: string; ms: number }>((resolve, reject) => {
        const started = Date.now();
        const req = httpRequest(`${app.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': String(20 * 1024 * 1024), ...headers } }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body, ms: Date.now() - started });
            req.destroy();
          });
        });
        req.on('error', (error) => reject(error));
        req.setTimeout(5000, () => {
          req.destroy();
          reject(new Error(`${path}: no answer within 5 s while the body was still incomplete`));
        });
        req.write(`{"login":"${'a'.repeat(1000)}`);
      });
    for (const [path, headers] of [
      ['/api/auth/login', {}],
      ['/api/users', admin.auth],
      ['/api/users', {}],
    ] as const) {
      const before = await rig.db.fingerprint();
      const answer = await answerEarly(path, headers);
      expect({ path, status: answer.status, type: answer.type.split(';')[0], code: JSON.parse(answer.body).code }).toEqual({
        path,
        status: 413,
        type: 'application/problem+json',
        code: 'PAYLOAD_TOO_LARGE',
      });
      expect(await rig.db.fingerprint()).toBe(before);
    }
    // A complete body just over the limit is refused too; one under it is read.
    const big = JSON.stringify({ login: 'a'.repeat(70 * 1024), password: 'x' });
    const over = await app.http().post('/api/auth/login').set('Content-Type', 'application/json').send(big);
    expect([over.status, JSON.parse(over.text).code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const under = await app.http().post('/api/auth/login').send({ login: 'a'.repeat(1000), password: strongPassword() });
    expect([under.status, JSON.parse(under.text).code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('leaves no secret in the logs, the tables or the job payloads', async () => {
    const result = await scanForSecrets(rig.db, rig.secrets, rig.cluster.logFiles, BCRYPT_COST);
    expect(result.findings).toEqual([]);
  });
});
