import { MailerService } from '@nestjs-modules/mailer';
import { simpleParser, ParsedMail } from 'mailparser';
import type { PasswordResetEmailContent } from '@app/users';
import { mailerOptions } from './mailer.options';
import { composePasswordResetEmail, passwordResetMessageId } from './password-reset-email.composer';

const PUBLIC_URL = 'https://custodian.example.org';
const IQAMA = '2345678901';

function content(overrides: Partial<PasswordResetEmailContent> = {}): PasswordResetEmailContent {
  return {
    state: 'current',
    resetId: '0b6f3c3e-8a59-4e0e-9d59-2a8f9f3b1c11',
    userId: '5d1c2f8e-0f0a-4a4e-8a43-6a3b9c1d2e3f',
    to: 'fatima@example.org',
    username: 'fatima.k',
    displayName: 'Fatima K.',
    email: 'fatima@example.org',
    locale: 'en',
    method: 'random',
    password: 'x7#Kp<Q&9w"z=Mn2',
    requirePasswordChange: true,
    performedBy: { id: '9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d', username: 'admin' },
    ...overrides,
  };
}

/** Renders through the real mailer (Handlebars adapter, CSS inlining) into a buffer, then parses it back. */
async function send(c: PasswordResetEmailContent): Promise<ParsedMail> {
  const options = mailerOptions({ smtpUrl: 'smtp://unused', mailFrom: 'Custodian <no-reply@custodian.example.org>' }, { streamTransport: true, buffer: true });
  // Without a transport factory the service builds its own from the options, as in the app.
  const mailer = new MailerService(options, undefined as never);
  const email = composePasswordResetEmail(c, c.to!, PUBLIC_URL);
  const info = (await mailer.sendMail({
    to: email.to,
    subject: email.subject,
    template: email.template,
    context: email.context,
    text: email.text,
    messageId: email.messageId,
  })) as { message: Buffer };
  return simpleParser(info.message);
}

/** The words a reader sees in the HTML part. */
function visibleText(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/gi, '')
    .replace(/<title[\s\S]*?<\/title>/gi, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

describe('the password reset email', () => {
  it('tells an English reader what happened, the account, the new password, where to sign in and whom to contact', async () => {
    const c = content();
    const mail = await send(c);
    expect(mail.subject).toBe('Your password has been reset');
    expect(mail.from?.value[0]).toMatchObject({ name: 'Custodian', address: 'no-reply@custodian.example.org' });
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toBe('fatima@example.org');
    expect(mail.messageId).toBe(`<password-reset.${c.resetId}@custodian.example.org>`);

    const text = mail.text!;
    expect(text).toContain('An administrator has reset the password of your account.');
    expect(text).toContain('Username: fatima.k');
    expect(text).toContain('Email: fatima@example.org');
    expect(text).toContain(`Your new password: ${c.password}`);
    expect(text).toContain(`Sign in at ${PUBLIC_URL}`);
    expect(text).toContain('you will be asked to choose a new password');
    expect(text).toContain('contact your administrator');

    const html = mail.html as string;
    expect(html).toMatch(/<html[^>]*lang="en"/);
    expect(html).toMatch(/<html[^>]*dir="ltr"/);
    expect(html).toContain(`href="${PUBLIC_URL}"`);
    const seen = visibleText(html);
    expect(seen).toContain('An administrator has reset the password of your account.');
    expect(seen).toContain('fatima.k');
    expect(seen).toContain('fatima@example.org');
    expect(seen).toContain(c.password);
    expect(seen).toContain('you will be asked to choose a new password');
    expect(seen).toContain('contact your administrator');
    // The password's symbols are escaped in the HTML source, never injected as markup.
    expect(html).not.toContain('<Q&');
  });

  it('is written in Arabic, right to left, for a user whose locale is ar', async () => {
    const c = content({ locale: 'ar' });
    const mail = await send(c);
    expect(mail.subject).toBe('تمت إعادة تعيين كلمة المرور لحسابك');
    const html = mail.html as string;
    expect(html).toMatch(/<html[^>]*lang="ar"/);
    expect(html).toMatch(/<html[^>]*dir="rtl"/);
    const seen = visibleText(html);
    expect(seen).toContain('قام أحد المسؤولين بإعادة تعيين كلمة المرور لحسابك.');
    expect(seen).toContain('fatima.k');
    expect(seen).toContain('fatima@example.org');
    expect(seen).toContain(c.password);
    expect(seen).toContain('سيُطلب منك اختيار كلمة مرور جديدة');
    expect(seen).toContain('مسؤول النظام');

    const text = mail.text!;
    expect(text).toContain('قام أحد المسؤولين بإعادة تعيين كلمة المرور لحسابك.');
    expect(text).toContain('اسم المستخدم: fatima.k');
    expect(text).toContain(`كلمة المرور الجديدة: ${c.password}`);
    expect(text).toContain(`لتسجيل الدخول: ${PUBLIC_URL}`);
    expect(text).not.toContain('An administrator');
  });

  it('keeps the two locales apart when both are rendered in one process', async () => {
    const en = await send(content({ locale: 'en' }));
    const ar = await send(content({ locale: 'ar' }));
    const enAgain = await send(content({ locale: 'en' }));
    expect(en.html).toContain('lang="en"');
    expect(ar.html).toContain('lang="ar"');
    expect(enAgain.html).toContain('lang="en"');
  });

  it.each(['en', 'ar'] as const)('says the password is the IQAMA number without a single digit of it (%s)', async (locale) => {
    // Even if the query handed over the number, the email must not carry it.
    const mail = await send(content({ locale, method: 'iqama', password: IQAMA, username: 'parent.one', email: 'parent@example.org', to: 'parent@example.org' }));
    const text = mail.text!;
    const seen = visibleText(mail.html as string);
    expect(locale === 'en' ? text : seen).toContain(locale === 'en' ? 'Your password is now your IQAMA number.' : 'رقم الإقامة');
    for (const part of [text, seen, mail.html as string]) {
      expect(part).not.toContain(IQAMA);
      expect(part).not.toContain(IQAMA.slice(-4));
    }
    // What a reader sees holds no run of digits at all (the HTML source has CSS colours).
    expect(text).not.toMatch(/\d/);
    expect(seen).not.toMatch(/\d/);
  });

  it('leaves out the forced change when the reset does not require it', async () => {
    const en = await send(content({ requirePasswordChange: false }));
    expect(en.text).not.toContain('choose a new password');
    expect(visibleText(en.html as string)).not.toContain('choose a new password');
    const ar = await send(content({ locale: 'ar', requirePasswordChange: false }));
    expect(ar.text).not.toContain('اختيار كلمة مرور جديدة');
  });

  it('derives the Message-ID from the reset id and the public host only', () => {
    expect(passwordResetMessageId('abc', 'http://localhost:3000/')).toBe('<password-reset.abc@localhost>');
    expect(passwordResetMessageId('abc', PUBLIC_URL)).toBe(passwordResetMessageId('abc', PUBLIC_URL));
  });
});
