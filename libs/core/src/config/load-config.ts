import { AppConfig } from './app-config.type';

/** Thrown for a configuration value that cannot be used; its message is the one line start-up prints. */
export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
  }
}

type Env = Record<string, string | undefined>;

/** Words that mark a secret copied from an example rather than generated. */
const PLACEHOLDER_WORDS = /change|secret|example|placeholder|default|password|development|test/i;

/** A generated secret has many distinct characters and none of the placeholder words. */
function looksLikePlaceholder(secret: string): boolean {
  return PLACEHOLDER_WORDS.test(secret) || new Set(secret).size < 12;
}

function int(env: Env, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes', 'on'].includes(raw)) return true;
  if (['false', '0', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${env[name]}"`);
}

function url(env: Env, name: string, fallback: string | undefined, protocols: string[]): string {
  const raw = env[name]?.trim() || fallback;
  if (raw === undefined) throw new ConfigError(name, 'is required');
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  }
  return raw;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!allowed.includes(raw as T)) throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  return raw as T;
}

const EMAIL_ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/;

/**
 * Reads and validates the whole configuration once, at start-up. `resolved` carries what start-up decided
 * itself (the embedded database and mail server, the generated development secret).
 */
export function loadConfig(env: Env, resolved: { databaseUrl?: string; smtpUrl?: string; appSecret?: string } = {}): AppConfig {
  const nodeEnv = env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development';
  const appSecret = env.APP_SECRET || resolved.appSecret;
  if (!appSecret) throw new ConfigError('APP_SECRET', 'is required in production');
  if (appSecret.length < 32) throw new ConfigError('APP_SECRET', 'must be at least 32 characters');
  if (nodeEnv === 'production' && looksLikePlaceholder(appSecret)) {
    throw new ConfigError('APP_SECRET', 'is a placeholder; set a random secret');
  }
  const mailFrom = env.MAIL_FROM?.trim() || 'no-reply@localhost';
  if (!EMAIL_ADDRESS.test(mailFrom.replace(/^.*<(.+)>\s*$/, '$1'))) throw new ConfigError('MAIL_FROM', 'is not an email address');

  const adminUsername = env.ADMIN_USERNAME?.trim();
  const adminPassword = env.ADMIN_PASSWORD;
  if (adminUsername && !adminPassword) throw new ConfigError('ADMIN_PASSWORD', 'is required when ADMIN_USERNAME is set');
  if (adminPassword && !adminUsername) throw new ConfigError('ADMIN_USERNAME', 'is required when ADMIN_PASSWORD is set');
  if (adminUsername && !/^[a-z0-9][a-z0-9._-]{2,63}$/i.test(adminUsername)) {
    throw new ConfigError('ADMIN_USERNAME', 'must be 3-64 characters of a-z 0-9 . _ - starting with a letter or digit');
  }
  if (adminPassword && (adminPassword.length < 12 || Buffer.byteLength(adminPassword) > 72)) {
    throw new ConfigError('ADMIN_PASSWORD', 'must be 12 characters to 72 bytes long');
  }
  const adminEmail = env.ADMIN_EMAIL?.trim() || undefined;
  if (adminEmail && !EMAIL_ADDRESS.test(adminEmail)) throw new ConfigError('ADMIN_EMAIL', 'is not an email address');

  return {
    env: nodeEnv,
    port: int(env, 'PORT', 3000, 0, 65535),
    publicUrl: url(env, 'PUBLIC_URL', 'http://localhost:3000', ['http:', 'https:']).replace(/\/+$/, ''),
    trustProxy: bool(env, 'TRUST_PROXY', false),
    databaseUrl: url(env, 'DATABASE_URL', resolved.databaseUrl, ['postgres:', 'postgresql:']),
    smtpUrl: url(env, 'SMTP_URL', resolved.smtpUrl, ['smtp:', 'smtps:']),
    mailFrom,
    appSecret,
    bcryptCost: int(env, 'BCRYPT_COST', 12, 4, 15),
    admin: adminUsername && adminPassword ? { username: adminUsername.toLowerCase(), password: adminPassword, email: adminEmail } : undefined,
    seedDemo: bool(env, 'SEED_DEMO', !env.DATABASE_URL),
    reset: {
      requirePasswordChange: bool(env, 'RESET_REQUIRE_PASSWORD_CHANGE', true),
      passwordTtlSeconds: int(env, 'RESET_PASSWORD_TTL_SECONDS', 259200, 60),
      completeWindowSeconds: int(env, 'RESET_COMPLETE_WINDOW_SECONDS', 3600, 60),
      passwordLength: int(env, 'RESET_PASSWORD_LENGTH', 16, 12, 64),
      maxPerAdminPerMinute: int(env, 'RESET_MAX_PER_ADMIN_PER_MINUTE', 30, 1),
    },
    mail: { maxAttempts: int(env, 'MAIL_MAX_ATTEMPTS', 10, 1, 100) },
    login: {
      maxFailuresPerAccount: int(env, 'LOGIN_MAX_FAILURES_PER_ACCOUNT', 5, 1),
      maxFailuresPerIp: int(env, 'LOGIN_MAX_FAILURES_PER_IP', 20, 1),
      failureWindowSeconds: int(env, 'LOGIN_FAILURE_WINDOW_SECONDS', 900, 1),
    },
    accessTokenTtlSeconds: int(env, 'ACCESS_TOKEN_TTL_SECONDS', 900, 30),
    refreshTokenTtlSeconds: int(env, 'REFRESH_TOKEN_TTL_SECONDS', 30 * 24 * 3600, 300),
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 64 * 1024, 1024),
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
  };
}
