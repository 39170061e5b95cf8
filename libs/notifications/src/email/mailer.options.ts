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

export interface MailSettings {
  smtpUrl: string;
  mailFrom: string;
}

export function mailerOptions(settings: MailSettings, transport?: MailerOptions['transport']): MailerOptions {
  return {
    transport: transport ?? { url: settings.smtpUrl, ...SMTP_TIMEOUTS },
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
