import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { createUser, login, SignedIn, TestApp } from '../support/harness';

/** Every error is application/problem+json with a stable code; `status` and `code` are what a client switches on. */
export function expectProblem(response: Response, status: number, code: string): void {
  // The whole body is in the received value, so a failure shows what the server said.
  expect({ status: response.status, code: response.body?.code, body: response.body }).toMatchObject({ status, code });
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ type: 'about:blank', status, code, title: expect.any(String), detail: expect.any(String) });
}

/** The field names of a 400's `errors` (each once, however many rules it broke). */
export function fieldsOf(response: Response): string[] {
  return [...new Set<string>((response.body?.errors ?? []).map((e: { field: string }) => e.field))];
}

/** A password the strength estimator accepts, different on every call. */
export function strongPassword(): string {
  return `Qz-${randomBytes(12).toString('base64url')}-7v`;
}

export function bearer(accessToken: string): { Authorization: string } {
  return { Authorization: `Bearer ${accessToken}` };
}

/**
 * A user who can sign in and is not gated: created by the admin with a password, then signed in and
 * changed it. Returns the signed-in session (after the change) and the current password.
 */
export async function activeUser(
  t: TestApp,
  admin: SignedIn,
  fields: Parameters<typeof createUser>[2] = {},
): Promise<{ user: Awaited<ReturnType<typeof createUser>>; session: SignedIn; password: string }> {
  const initial = strongPassword();
  const user = await createUser(t, admin, { ...fields, password: initial });
  const first = await login(t, user.username, initial);
  const password = strongPassword();
  const change = await t.http().post('/api/auth/change-password').set(first.auth).send({ currentPassword: initial, newPassword: password });
  if (change.status !== 204) throw new Error(`change-password failed: ${change.status} ${change.text}`);
  return { user, session: first, password };
}
