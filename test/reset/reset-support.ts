import type { Response } from 'supertest';
import { login, SignedIn, TestApp } from '../support/harness';

/** A password the policy accepts, for users created able to sign in. */
export const STRONG_PASSWORD = 'Quiet-Harbor-Lantern-93!';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const LOOK_ALIKES = /[0Oo1lI]/;

/** Environment for suites that reset many users and sign in wrongly on purpose from one address. */
export const ROOMY_LIMITS = { RESET_MAX_PER_ADMIN_PER_MINUTE: '1000', LOGIN_MAX_FAILURES_PER_IP: '1000' };

export interface CreatedReset {
  id: string;
  userId: string;
  status: string;
  method: string;
  password: string | null;
  requirePasswordChange: boolean;
  email: { address: string | null; valid: boolean };
  createdAt: string;
  completeBy: string;
  passwordExpiresAt: string;
  performedBy: { id: string; username: string };
}

export function postReset(t: TestApp, admin: SignedIn, userId: string, body?: unknown, headers: Record<string, string> = {}) {
  const req = t.http().post(`/api/users/${userId}/password-resets`).set(admin.auth).set(headers);
  return body === undefined ? req : req.send(body as object);
}

export async function resetOk(t: TestApp, admin: SignedIn, userId: string, body: object = {}): Promise<CreatedReset> {
  const response = await postReset(t, admin, userId, body);
  if (response.status !== 201) throw new Error(`reset failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as CreatedReset;
}

export function postComplete(t: TestApp, admin: SignedIn, userId: string, resetId: string, body: unknown) {
  return t.http().post(`/api/users/${userId}/password-resets/${resetId}/complete`).set(admin.auth).send(body as object);
}

export async function completeOk(t: TestApp, admin: SignedIn, userId: string, resetId: string, sendEmail: boolean, logoutSessions: boolean) {
  const response = await postComplete(t, admin, userId, resetId, { sendEmail, logoutSessions });
  if (response.status !== 200) throw new Error(`complete failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as ResetView;
}

export interface ResetView {
  id: string;
  userId: string;
  status: string;
  method: string;
  requirePasswordChange: boolean;
  createdAt: string;
  completeBy: string;
  completedAt: string | null;
  performedBy: { id: string; username: string };
  sendEmail: boolean | null;
  logoutSessions: boolean | null;
  sessionsRevoked: number | null;
  email: { address: string | null; valid: boolean; delivery: string; attempts: number; sentAt: string | null; lastError: string | null };
}

export async function getReset(t: TestApp, admin: SignedIn, userId: string, resetId: string): Promise<ResetView> {
  const response = await t.http().get(`/api/users/${userId}/password-resets/${resetId}`).set(admin.auth);
  if (response.status !== 200) throw new Error(`get reset failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as ResetView;
}

export async function listResets(t: TestApp, admin: SignedIn, userId: string): Promise<ResetView[]> {
  const response = await t.http().get(`/api/users/${userId}/password-resets`).set(admin.auth);
  if (response.status !== 200) throw new Error(`list resets failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as ResetView[];
}

export function attemptLogin(t: TestApp, loginName: string, password: string): Promise<Response> {
  return t.http().post('/api/auth/login').send({ login: loginName, password });
}

/** The problem+json of a failed request, checked for its status and code. */
export function expectProblem(response: Response, status: number, code: string): void {
  expect({ status: response.status, code: response.body?.code }).toEqual({ status, code });
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
}

/** A second signed-in client of the same user (its own session). */
export function signIn(t: TestApp, username: string, password: string, agent: string): Promise<SignedIn> {
  return login(t, username, password, agent);
}

export async function pendingCopyExists(t: TestApp, resetId: string): Promise<boolean> {
  const [row] = await t.sql<{ pending: boolean }>('select pending_password_encrypted is not null as pending from password_reset where id = $1', [resetId]);
  return row.pending;
}
