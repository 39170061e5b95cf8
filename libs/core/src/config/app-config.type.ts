export interface AppConfig {
  env: 'development' | 'production' | 'test';
  port: number;
  publicUrl: string;
  trustProxy: boolean;
  /** Unset means the embedded PostgreSQL is started (decided before the config is loaded). */
  databaseUrl: string;
  smtpUrl: string;
  mailFrom: string;
  appSecret: string;
  bcryptCost: number;
  admin?: { username: string; password: string; email?: string };
  seedDemo: boolean;
  reset: {
    requirePasswordChange: boolean;
    passwordTtlSeconds: number;
    completeWindowSeconds: number;
    passwordLength: number;
    maxPerAdminPerMinute: number;
  };
  mail: { maxAttempts: number };
  login: { maxFailuresPerAccount: number; maxFailuresPerIp: number; failureWindowSeconds: number };
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** Request bodies above this many bytes are refused before they are parsed. */
  bodyLimitBytes: number;
  logLevel: string;
}
