import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { Client } from 'pg';
import { AppConfig, loadConfig } from '@app/core';
import { isValidIqama } from '@app/users';
import { createApp } from '../../apps/api/src/main';
import { SmtpSink } from './smtp-sink';
import { createTestDatabase } from './test-database';
import { TestClock } from './test-clock';

export const ADMIN = { username: 'admin', password: 'Admin-password-for-tests-42', email: 'admin@example.org' };

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  baseUrl: string;
  databaseUrl: string;
  smtp: SmtpSink;
  clock: TestClock;
  /** supertest against the listening server */
  http: () => ReturnType<typeof request>;
  /** Runs SQL against the suite's database (as the superuser, outside the app). */
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Extra environment, as a user would set it (e.g. { RESET_MAX_PER_ADMIN_PER_MINUTE: '3' }). */
  env?: Record<string, string>;
  logLevel?: string;
}

/**
 * Starts the real application in this process on a random port, against a fresh PostgreSQL database and a
 * real SMTP server, with the admin from ADMIN_* configured.
 */
export async function startApp(options: StartOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const smtp = await SmtpSink.start();
  const clock = new TestClock();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    SMTP_URL: smtp.url,
    APP_SECRET: 'test-secret-that-is-long-enough-0123456789',
    BCRYPT_COST: '4',
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    ADMIN_EMAIL: ADMIN.email,
    SEED_DEMO: 'false',
    PUBLIC_URL: 'http://custodian.test',
    ...options.env,
  });
  const app = await createApp(config, { logLevel: options.logLevel ?? process.env.TEST_LOG_LEVEL ?? 'silent', clock });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const sqlClient = new Client({ connectionString: database.url });
  await sqlClient.connect();
  return {
    app,
    config,
    baseUrl,
    databaseUrl: database.url,
    smtp,
    clock,
    http: () => request(baseUrl),
    sql: async <T>(text: string, params: unknown[] = []) => (await sqlClient.query(text, params)).rows as T[],
    stop: async () => {
      await app.close();
      await sqlClient.end();
      await smtp.stop();
      await database.drop();
    },
  };
}

export interface SignedIn {
  accessToken: string;
  refreshToken: string;
  user: { id: string; username: string; mustChangePassword: boolean; roles: string[] };
  auth: { Authorization: string };
}

export async function login(t: TestApp, loginName: string, password: string, userAgent = 'jest'): Promise<SignedIn> {
  const response = await t.http().post('/api/auth/login').set('User-Agent', userAgent).send({ login: loginName, password });
  if (response.status !== 200) throw new Error(`login ${loginName} failed: ${response.status} ${JSON.stringify(response.body)}`);
  return { ...response.body, auth: { Authorization: `Bearer ${response.body.accessToken}` } };
}

export function loginAdmin(t: TestApp): Promise<SignedIn> {
  return login(t, ADMIN.username, ADMIN.password);
}

let counter = 0;
/** Creates a user through the API as the admin; `password` makes it able to sign in (with mustChangePassword). */
export async function createUser(
  t: TestApp,
  admin: SignedIn,
  fields: { type?: string; email?: string | null; iqamaNumber?: string; password?: string; roles?: string[]; locale?: string; username?: string; displayName?: string } = {},
): Promise<{ id: string; username: string; email: string | null } & Record<string, unknown>> {
  counter += 1;
  const username = fields.username ?? `user${Date.now().toString(36)}${counter}`;
  const body: Record<string, unknown> = {
    username,
    displayName: fields.displayName ?? `User ${counter}`,
    type: fields.type ?? 'customer',
  };
  if (fields.email !== null) body.email = fields.email ?? `${username}@example.org`;
  for (const key of ['iqamaNumber', 'password', 'roles', 'locale'] as const) if (fields[key] !== undefined) body[key] = fields[key];
  const response = await t.http().post('/api/users').set(admin.auth).send(body);
  if (response.status !== 201) throw new Error(`createUser failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/** Polls `probe` until it returns a truthy value or the deadline passes (no fixed sleeps in tests). */
export async function eventually<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 15000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Valid IQAMA numbers (10 digits, first 1 or 2, Luhn), distinct per call: the API's own rule picks the check digit. */
let iqamaSeed = 100000;
export function validIqama(first: 1 | 2 = 1): string {
  iqamaSeed += 1;
  const body = `${first}${String(iqamaSeed).padStart(8, '0')}`;
  const candidate = [...'0123456789'].map((check) => `${body}${check}`).find(isValidIqama);
  if (!candidate) throw new Error('unreachable: one check digit always fits');
  return candidate;
}
