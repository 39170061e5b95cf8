import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { ADMIN, Instance } from './cluster';
import { SecretLedger } from './secrets';

export interface SignedIn {
  accessToken: string;
  refreshToken: string;
  user: { id: string; username: string; mustChangePassword: boolean; roles: string[] };
  auth: { Authorization: string };
}

export interface CreatedUser {
  id: string;
  username: string;
  email: string | null;
  type: string;
  roles: string[];
  /** The password that signs this user in, when the helper made one. */
  password?: string;
  iqamaNumber?: string;
}

export const USER_TYPES = ['parent', 'customer', 'supplier', 'employee', 'user'] as const;

/** Every helper records what it learns that must never leak (passwords, refresh tokens, IQAMA numbers). */
export class Api {
  constructor(readonly secrets: SecretLedger) {}

  async login(on: Instance, login: string, password: string, userAgent = 'reliability'): Promise<SignedIn> {
    this.secrets.add('password', password);
    const response = await on.http().post('/api/auth/login').set('User-Agent', userAgent).send({ login, password });
    if (response.status !== 200) throw new Error(`login ${login} on ${on.options.name} failed: ${response.status} ${JSON.stringify(response.body)}`);
    this.secrets.add('refresh token', response.body.refreshToken);
    this.secrets.add('access token', response.body.accessToken);
    return { ...response.body, auth: { Authorization: `Bearer ${response.body.accessToken}` } };
  }

  loginAdmin(on: Instance): Promise<SignedIn> {
    this.secrets.add('password', ADMIN.password);
    return this.login(on, ADMIN.username, ADMIN.password);
  }

  async createUser(
    on: Instance,
    admin: SignedIn,
    fields: { type?: string; email?: string | null; iqamaNumber?: string; password?: string; roles?: string[]; locale?: string } = {},
  ): Promise<CreatedUser> {
    const username = `u${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
    const type = fields.type ?? 'customer';
    const body: Record<string, unknown> = { username, displayName: `User ${username}`, type };
    if (fields.email !== null) body.email = fields.email ?? `${username}@example.org`;
    if (type === 'parent') body.iqamaNumber = fields.iqamaNumber ?? validIqama();
    for (const key of ['password', 'roles', 'locale'] as const) if (fields[key] !== undefined) body[key] = fields[key];
    if (typeof body.iqamaNumber === 'string') this.secrets.add('iqama', body.iqamaNumber);
    if (typeof body.password === 'string') this.secrets.add('password', body.password);
    const response = await on.http().post('/api/users').set(admin.auth).send(body);
    if (response.status !== 201) throw new Error(`createUser failed: ${response.status} ${JSON.stringify(response.body)}`);
    return { ...response.body, iqamaNumber: body.iqamaNumber as string | undefined, password: body.password as string | undefined };
  }

  /** POST /users/:id/password-resets, expecting 201. */
  async reset(on: Instance, admin: SignedIn, userId: string, body: object = {}): Promise<ResetCreated> {
    const response = await on.http().post(`/api/users/${userId}/password-resets`).set(admin.auth).send(body);
    if (response.status !== 201) throw new Error(`reset failed on ${on.options.name}: ${response.status} ${JSON.stringify(response.body)}`);
    if (response.body.password) this.secrets.add('password', response.body.password);
    return response.body;
  }

  completeRequest(on: Instance, admin: SignedIn, userId: string, resetId: string, toggles: { sendEmail: boolean; logoutSessions: boolean }) {
    return on.http().post(`/api/users/${userId}/password-resets/${resetId}/complete`).set(admin.auth).send(toggles);
  }

  async complete(on: Instance, admin: SignedIn, userId: string, resetId: string, toggles: { sendEmail: boolean; logoutSessions: boolean }) {
    const response = await this.completeRequest(on, admin, userId, resetId, toggles);
    if (response.status !== 200) throw new Error(`complete failed on ${on.options.name}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  }

  /**
   * A user who can sign in without being gated: created, reset by the admin with
   * requirePasswordChange=false, completed without email. Returns the user with their password.
   */
  async userWhoCanSignIn(on: Instance, admin: SignedIn, fields: { type?: string; roles?: string[]; email?: string | null; locale?: string } = {}): Promise<CreatedUser & { password: string }> {
    const user = await this.createUser(on, admin, fields);
    const reset = await this.reset(on, admin, user.id, { requirePasswordChange: false });
    await this.complete(on, admin, user.id, reset.id, { sendEmail: false, logoutSessions: false });
    const password = reset.method === 'iqama' ? user.iqamaNumber! : reset.password!;
    return { ...user, password };
  }
}

export interface ResetCreated {
  id: string;
  userId: string;
  status: string;
  method: 'random' | 'iqama';
  password: string | null;
  requirePasswordChange: boolean;
  createdAt: string;
}

/** The contract's error shape: problem+json with a stable UPPER_SNAKE code. */
export function expectProblem(response: Response, status: number, code?: string): void {
  const where = `${response.request?.method} ${response.request?.url} → ${response.status} ${response.text?.slice(0, 300)}`;
  if (response.status !== status) throw new Error(`expected ${status}${code ? ` ${code}` : ''}, got: ${where}`);
  if (!/^application\/problem\+json/.test(String(response.headers['content-type']))) throw new Error(`not problem+json: ${where}`);
  const body = JSON.parse(response.text);
  if (typeof body.code !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(body.code)) throw new Error(`no code: ${where}`);
  if (body.status !== status) throw new Error(`body.status differs: ${where}`);
  if (code && body.code !== code) throw new Error(`expected code ${code}: ${where}`);
}

/** Valid IQAMA numbers (10 digits, first 1 or 2, Luhn), distinct per call and per run. */
let iqamaSeed = Number.parseInt(randomBytes(3).toString('hex'), 16) % 50_000_000;
export function validIqama(first: 1 | 2 = 1): string {
  iqamaSeed += 1;
  const body = `${first}${String(iqamaSeed % 100_000_000).padStart(8, '0')}`;
  for (let check = 0; check < 10; check++) if (luhnValid(`${body}${check}`)) return `${body}${check}`;
  throw new Error('unreachable');
}

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** A password zxcvbn scores 4, unique per call. */
export function strongPassword(): string {
  return `Qz7!${randomBytes(9).toString('base64url')}#vL2`;
}

/** Polls until the probe returns a truthy value or the deadline passes. */
export async function eventually<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
