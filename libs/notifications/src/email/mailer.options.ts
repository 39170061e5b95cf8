import { join } from 'node:path';
import type { MailerOptions } from '@nestjs-modules/mailer';
import { HandlebarsAdapter } from '@nestjs-modules/mailer/adapters/handlebars.adapter';

/** Copied next to the compiled code by nest-cli.json, so this resolves from source (jest) and from dist alike. */
export const TEMPLATE_DIR = join(__dirname, '..', 'templates');

/**
 * Every SMTP phase is bounded, so a server that accepts the connection and then hangs counts as a temporary
 * failure well inside the job's expiry (60 s) instead of holding the job.
 */
export const SMTP_TIMEOUTS = {
  connectionTimeout: 10_000,
  greetingTimeout: 10_000,
  socketTimeout: 10_000,
  dnsTimeout: 10_000,
} as const;

/** The whole send, whatever the phases add up to. */
export const SEND_TIMEOUT_MS = 30_000;

/**
 * Emails sent at once per instance (delivery workers and SMTP connections alike). Each send holds at most
 * one database connection at a time, and the ORM pool (10) is shared with requests.
 */
export const MAIL_CONCURRENCY = 8;

/**
 * Connections stay open between emails: a fresh one per email (TCP, greeting, EHLO, QUIT) costs more than
 * the send itself. One per delivery worker, so no send waits for another's connection. maxRequeues 0: a
 * connection that drops mid-send fails that try, so the delivery counts it and retries with back-off,
 * instead of the pool re-sending it uncounted.
 */
export const SMTP_POOL = {
  pool: true,
  maxConnections: MAIL_CONCURRENCY,
  maxRequeues: 0,
} as const;

export interface MailSettings {
  smtpUrl: string;
  mailFrom: string;
}

export function mailerOptions(settings: MailSettings, transport?: MailerOptions['transport']): MailerOptions {
  return {
    transport: transport ?? { url: settings.smtpUrl, ...SMTP_POOL, ...SMTP_TIMEOUTS },
    // @types/nodemailer 8 lacks `from` in the defaults' type, though nodemailer honours it.
    defaults: { from: settings.mailFrom } as MailerOptions['defaults'],
    sendTimeout: SEND_TIMEOUT_MS,
    template: {
      dir: TEMPLATE_DIR,
      adapter: new HandlebarsAdapter(undefined, { inlineCssEnabled: true }),
      // strict: a misspelt field in a template fails the render instead of silently leaving a blank.
      options: { strict: true },
    },
  };
}
