import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import type { PasswordResetEmailContent } from '@app/users';
import { TEMPLATE_DIR } from './mailer.options';

type EmailLocale = 'en' | 'ar';

const SUBJECTS: Record<EmailLocale, string> = {
  en: 'Your password has been reset',
  ar: 'تمت إعادة تعيين كلمة المرور لحسابك',
};

/** What the templates may use; nothing else of the reset reaches them. */
export type PasswordResetEmailView = {
  lang: EmailLocale;
  subject: string;
  displayName: string;
  username: string;
  email: string;
  /** The IQAMA method: the email says the password is the IQAMA number and never carries a digit of it. */
  iqama: boolean;
  password: string | null;
  loginUrl: string;
  requirePasswordChange: boolean;
  performedBy: string;
};

export interface ComposedPasswordResetEmail {
  to: string;
  subject: string;
  /** Rendered to HTML by the mailer's Handlebars adapter, relative to TEMPLATE_DIR. */
  template: string;
  context: PasswordResetEmailView;
  text: string;
  messageId: string;
}

/** The same for every try of one reset, so a receiving server (and the user's client) can tell a resend is one email. */
export function passwordResetMessageId(resetId: string, publicUrl: string): string {
  return `<password-reset.${resetId}@${new URL(publicUrl).hostname}>`;
}

export function emailLocale(locale: string): EmailLocale {
  return locale === 'ar' ? 'ar' : 'en';
}

// A private Handlebars: the plain-text part must not be HTML-escaped (a password with & or < stays as it is).
const textHandlebars = Handlebars.create();
const textTemplates = new Map<EmailLocale, Handlebars.TemplateDelegate<PasswordResetEmailView>>();

function textTemplate(locale: EmailLocale): Handlebars.TemplateDelegate<PasswordResetEmailView> {
  let template = textTemplates.get(locale);
  if (!template) {
    const source = readFileSync(join(TEMPLATE_DIR, locale, 'password-reset.text.hbs'), 'utf8');
    template = textHandlebars.compile<PasswordResetEmailView>(source, { noEscape: true, strict: true });
    textTemplates.set(locale, template);
  }
  return template;
}

/**
 * Builds the reset email from what the users module says about the reset. The caller has checked that
 * the reset is still current and that the random method's password is present.
 */
export function composePasswordResetEmail(
  content: PasswordResetEmailContent,
  to: string,
  publicUrl: string,
): ComposedPasswordResetEmail {
  const lang = emailLocale(content.locale);
  const iqama = content.method === 'iqama';
  const view: PasswordResetEmailView = {
    lang,
    subject: SUBJECTS[lang],
    displayName: content.displayName || content.username,
    username: content.username,
    email: content.email ?? to,
    iqama,
    // Never hand the templates a value for the IQAMA method, whatever the query returned.
    password: iqama ? null : content.password,
    loginUrl: publicUrl,
    requirePasswordChange: content.requirePasswordChange,
    performedBy: content.performedBy.username,
  };
  return {
    to,
    subject: view.subject,
    template: `${lang}/password-reset.html.hbs`,
    context: view,
    text: textTemplate(lang)(view),
    messageId: passwordResetMessageId(content.resetId, publicUrl),
  };
}
