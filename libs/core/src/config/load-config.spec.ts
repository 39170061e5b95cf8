import { ConfigError, loadConfig } from './load-config';

const BASE = {
  DATABASE_URL: 'postgres://app@127.0.0.1:5432/custodian',
  SMTP_URL: 'smtp://127.0.0.1:1025',
  APP_SECRET: 'Hq3v9ZkT1pW7xLm2RbN8cYd4Fs6Gj0Ue',
};

function refusal(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig({ ...BASE, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(BASE);
    expect(config).toMatchObject({
      env: 'development',
      port: 3000,
      publicUrl: 'http://localhost:3000',
      trustProxy: false,
      mailFrom: 'no-reply@localhost',
      bcryptCost: 12,
      admin: undefined,
      seedDemo: false,
      reset: { requirePasswordChange: true, passwordTtlSeconds: 259200, completeWindowSeconds: 3600, passwordLength: 16, maxPerAdminPerMinute: 30 },
      mail: { maxAttempts: 10 },
      login: { maxFailuresPerAccount: 5, maxFailuresPerIp: 20, failureWindowSeconds: 900 },
    });
  });

  it('reads every variable of the configuration table', () => {
    const config = loadConfig({
      ...BASE,
      NODE_ENV: 'production',
      PORT: '8080',
      PUBLIC_URL: 'https://custodian.example.org/',
      TRUST_PROXY: 'true',
      MAIL_FROM: 'Custodian <custodian@example.org>',
      BCRYPT_COST: '10',
      ADMIN_USERNAME: 'Root.Admin',
      ADMIN_PASSWORD: 'a-long-admin-password',
      ADMIN_EMAIL: 'root@example.org',
      SEED_DEMO: 'yes',
      RESET_REQUIRE_PASSWORD_CHANGE: 'false',
      RESET_PASSWORD_TTL_SECONDS: '3600',
      RESET_COMPLETE_WINDOW_SECONDS: '600',
      RESET_PASSWORD_LENGTH: '20',
      MAIL_MAX_ATTEMPTS: '3',
      RESET_MAX_PER_ADMIN_PER_MINUTE: '7',
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
      LOGIN_MAX_FAILURES_PER_IP: '9',
      LOGIN_FAILURE_WINDOW_SECONDS: '60',
    });
    expect(config).toMatchObject({
      env: 'production',
      port: 8080,
      publicUrl: 'https://custodian.example.org',
      trustProxy: true,
      mailFrom: 'Custodian <custodian@example.org>',
      bcryptCost: 10,
      admin: { username: 'root.admin', password: 'a-long-admin-password', email: 'root@example.org' },
      seedDemo: true,
      reset: { requirePasswordChange: false, passwordTtlSeconds: 3600, completeWindowSeconds: 600, passwordLength: 20, maxPerAdminPerMinute: 7 },
      mail: { maxAttempts: 3 },
      login: { maxFailuresPerAccount: 3, maxFailuresPerIp: 9, failureWindowSeconds: 60 },
    });
  });

  it('takes what start-up resolved itself when DATABASE_URL, SMTP_URL and APP_SECRET are unset, and then seeds demo users', () => {
    const config = loadConfig({}, { databaseUrl: 'postgres://embedded@127.0.0.1:5499/custodian', smtpUrl: 'smtp://127.0.0.1:1099', appSecret: 'generated-development-secret-0123456789' });
    expect(config).toMatchObject({ databaseUrl: 'postgres://embedded@127.0.0.1:5499/custodian', smtpUrl: 'smtp://127.0.0.1:1099', seedDemo: true });
  });

  it.each([
    ['BCRYPT_COST', { BCRYPT_COST: 'abc' }],
    ['BCRYPT_COST', { BCRYPT_COST: '3' }],
    ['BCRYPT_COST', { BCRYPT_COST: '16' }],
    ['BCRYPT_COST', { BCRYPT_COST: '12.5' }],
    ['PORT', { PORT: '99999' }],
    ['PORT', { PORT: '-1' }],
    ['PORT', { PORT: 'http' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://x' }],
    ['DATABASE_URL', { DATABASE_URL: 'not a url' }],
    ['SMTP_URL', { SMTP_URL: 'http://mail.example.org' }],
    ['PUBLIC_URL', { PUBLIC_URL: 'ftp://example.org' }],
    ['APP_SECRET', { APP_SECRET: 'short' }],
    ['APP_SECRET', { APP_SECRET: undefined, NODE_ENV: 'production' }],
    ['APP_SECRET', { APP_SECRET: 'change-this-secret-before-deploying-it', NODE_ENV: 'production' }],
    ['APP_SECRET', { APP_SECRET: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', NODE_ENV: 'production' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['MAIL_FROM', { MAIL_FROM: 'nobody' }],
    ['TRUST_PROXY', { TRUST_PROXY: 'maybe' }],
    ['SEED_DEMO', { SEED_DEMO: '2' }],
    ['RESET_REQUIRE_PASSWORD_CHANGE', { RESET_REQUIRE_PASSWORD_CHANGE: 'sometimes' }],
    ['RESET_PASSWORD_LENGTH', { RESET_PASSWORD_LENGTH: '11' }],
    ['RESET_PASSWORD_TTL_SECONDS', { RESET_PASSWORD_TTL_SECONDS: '0' }],
    ['RESET_COMPLETE_WINDOW_SECONDS', { RESET_COMPLETE_WINDOW_SECONDS: 'soon' }],
    ['RESET_MAX_PER_ADMIN_PER_MINUTE', { RESET_MAX_PER_ADMIN_PER_MINUTE: '0' }],
    ['MAIL_MAX_ATTEMPTS', { MAIL_MAX_ATTEMPTS: '0' }],
    ['LOGIN_MAX_FAILURES_PER_ACCOUNT', { LOGIN_MAX_FAILURES_PER_ACCOUNT: '0' }],
    ['LOGIN_MAX_FAILURES_PER_IP', { LOGIN_MAX_FAILURES_PER_IP: 'many' }],
    ['LOGIN_FAILURE_WINDOW_SECONDS', { LOGIN_FAILURE_WINDOW_SECONDS: '-900' }],
    ['ADMIN_PASSWORD', { ADMIN_USERNAME: 'admin' }],
    ['ADMIN_USERNAME', { ADMIN_PASSWORD: 'a-long-admin-password' }],
    ['ADMIN_USERNAME', { ADMIN_USERNAME: 'no spaces allowed', ADMIN_PASSWORD: 'a-long-admin-password' }],
    ['ADMIN_PASSWORD', { ADMIN_USERNAME: 'admin', ADMIN_PASSWORD: 'short' }],
    ['ADMIN_PASSWORD', { ADMIN_USERNAME: 'admin', ADMIN_PASSWORD: 'x'.repeat(73) }],
    ['ADMIN_EMAIL', { ADMIN_EMAIL: 'not-an-address' }],
  ] as [string, Record<string, string | undefined>][])('refuses bad %s with one line naming it', (variable, env) => {
    const error = refusal(env);
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(new RegExp(`^Invalid configuration: ${variable} `));
    expect(error.message).not.toContain('\n');
  });

  it('does not print secrets in its messages', () => {
    const secret = 'short-secret';
    expect(refusal({ APP_SECRET: secret }).message).not.toContain(secret);
    expect(refusal({ DATABASE_URL: 'mysql://user:hunter2-password@db/x' }).message).not.toContain('hunter2');
    expect(refusal({ SMTP_URL: 'http://user:hunter2-password@mail' }).message).not.toContain('hunter2');
    expect(refusal({ ADMIN_USERNAME: 'admin', ADMIN_PASSWORD: 'tiny-pw' }).message).not.toContain('tiny-pw');
  });
});
