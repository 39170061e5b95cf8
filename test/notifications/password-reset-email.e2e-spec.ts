import type { ParsedMail } from 'mailparser';
import { randomUUID } from 'node:crypto';
import { CommandBus } from '@nestjs/cqrs';
import { SendPasswordResetEmailCommand } from '@app/notifications';
import { createUser, eventually, loginAdmin, SignedIn, startApp, TestApp, validIqama } from '../support/harness';
import type { ReceivedMail } from '../support/smtp-sink';

const PUBLIC_URL = 'http://custodian.test';
/** Covers one temporary failure: pg-boss retries after 5–10 s (retryDelay 5, back-off), polled every second. */
const RETRY_WAIT_MS = 40_000;
/** For the tests that wait for a retry. */
const RETRY_TEST_TIMEOUT_MS = 60_000;

interface EmailStatus {
  address: string;
  valid: boolean;
  delivery: string;
  attempts: number;
  sentAt: string | null;
  lastError: string | null;
}

let t: TestApp;
let admin: SignedIn;

beforeAll(async () => {
  t = await startApp();
  admin = await loginAdmin(t);
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

async function reset(userId: string): Promise<{ id: string; password: string | null; method: string }> {
  const response = await t.http().post(`/api/users/${userId}/password-resets`).set(admin.auth).send({});
  expect(response.status).toBe(201);
  return response.body;
}

async function complete(userId: string, resetId: string, sendEmail = true): Promise<void> {
  const response = await t.http().post(`/api/users/${userId}/password-resets/${resetId}/complete`).set(admin.auth).send({ sendEmail, logoutSessions: false });
  expect(response.status).toBe(200);
}

async function emailStatus(userId: string, resetId: string): Promise<EmailStatus> {
  const response = await t.http().get(`/api/users/${userId}/password-resets/${resetId}`).set(admin.auth);
  expect(response.status).toBe(200);
  return response.body.email;
}

function untilDelivery(userId: string, resetId: string, delivery: 'sent' | 'failed', timeoutMs = 15_000): Promise<EmailStatus> {
  return eventually(async () => {
    const status = await emailStatus(userId, resetId);
    return status.delivery === delivery ? status : null;
  }, timeoutMs, `email delivery ${delivery}`);
}

function mailsTo(address: string): ReceivedMail[] {
  return t.smtp.messages.filter((m) => m.to.includes(address));
}

/** The words a reader sees in the HTML part. */
function visibleText(mail: ParsedMail): string {
  return String(mail.html)
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
  // Every other test waits on the app (a few seconds at most): the default timeout fits.
  it('reaches an English user once, in HTML and text, with the account, the new password, the sign-in address and a Message-ID of the reset', async () => {
    const user = await createUser(t, admin, { locale: 'en', displayName: 'Fatima K.' });
    const r = await reset(user.id);
    await complete(user.id, r.id);

    const status = await untilDelivery(user.id, r.id, 'sent');
    expect(status).toMatchObject({ address: user.email, delivery: 'sent', attempts: 1, lastError: null });
    expect(Date.parse(status.sentAt!)).not.toBeNaN();

    const [mail] = mailsTo(user.email!);
    expect(mailsTo(user.email!)).toHaveLength(1);
    const parsed = mail.parsed;
    expect(parsed.subject).toBe('Your password has been reset');
    expect(parsed.messageId).toBe(`<password-reset.${r.id}@custodian.test>`);
    expect(parsed.from?.value[0].address).toBe(t.config.mailFrom);
    expect(parsed.html).toBeTruthy();
    expect(parsed.text).toBeTruthy();
    expect(String(parsed.html)).toMatch(/<html[^>]*lang="en"/);
    for (const part of [parsed.text!, visibleText(parsed)]) {
      expect(part).toContain('An administrator has reset the password of your account.');
      expect(part).toContain(user.username);
      expect(part).toContain(user.email!);
      expect(part).toContain(r.password!);
      expect(part).toContain(PUBLIC_URL);
      expect(part).toContain('you will be asked to choose a new password');
      expect(part).toContain('contact your administrator');
    }
  });

  it('reaches an Arabic user in Arabic, right to left', async () => {
    const user = await createUser(t, admin, { locale: 'ar' });
    const r = await reset(user.id);
    await complete(user.id, r.id);
    await untilDelivery(user.id, r.id, 'sent');

    const parsed = mailsTo(user.email!)[0].parsed;
    expect(parsed.subject).toBe('تمت إعادة تعيين كلمة المرور لحسابك');
    expect(String(parsed.html)).toMatch(/<html[^>]*lang="ar"[^>]*dir="rtl"|<html[^>]*dir="rtl"[^>]*lang="ar"/);
    for (const part of [parsed.text!, visibleText(parsed)]) {
      expect(part).toContain('قام أحد المسؤولين بإعادة تعيين كلمة المرور لحسابك.');
      expect(part).toContain(user.username);
      expect(part).toContain(r.password!);
      expect(part).toContain(PUBLIC_URL);
    }
  });

  it('tells a parent that the password is their IQAMA number without writing a digit of it', async () => {
    const iqama = validIqama();
    // A name without digits, so that "no digit anywhere" is a fair test.
    const letters = Array.from({ length: 8 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');
    const user = await createUser(t, admin, { type: 'parent', iqamaNumber: iqama, locale: 'en', username: `parent.${letters}`, displayName: 'Parent' });
    const r = await reset(user.id);
    expect(r.method).toBe('iqama');
    await complete(user.id, r.id);
    await untilDelivery(user.id, r.id, 'sent');

    const mail = mailsTo(user.email!)[0];
    expect(mail.parsed.text).toContain('Your password is now your IQAMA number.');
    expect(mail.raw).not.toContain(iqama);
    expect(mail.raw).not.toContain(iqama.slice(-4));
    expect(mail.parsed.text).not.toMatch(/\d/);
    expect(visibleText(mail.parsed)).not.toMatch(/\d/);
  });

  it('keeps the job payload, the events and, once sent, the reset row free of the password', async () => {
    const user = await createUser(t, admin);
    const r = await reset(user.id);
    await complete(user.id, r.id);
    await untilDelivery(user.id, r.id, 'sent');

    const jobs = await t.sql<{ data: unknown }>(`select data from pgboss.job where name = 'password-reset-email' and data->>'resetId' = $1`, [r.id]);
    expect(jobs.map((j) => j.data)).toEqual([{ resetId: r.id }]);
    const events = await eventually(async () => {
      const rows = await t.sql<{ name: string; payload: Record<string, unknown> }>(
        `select name, payload from outbox_event where name like 'notifications.%' and payload->>'resetId' = $1`,
        [r.id],
      );
      return rows.length > 0 ? rows : null;
    });
    expect(events.map((e) => e.name)).toEqual(['notifications.password_reset_email_sent']);
    expect(events[0].payload).toMatchObject({
      resetId: r.id,
      userId: user.id,
      targetUsername: user.username,
      actor: { id: admin.user.id, username: 'admin' },
      address: user.email,
      messageId: `<password-reset.${r.id}@custodian.test>`,
      attempts: 1,
    });
    expect(JSON.stringify(events)).not.toContain(r.password!);
    // The encrypted pending copy is dropped once the email is sent.
    await eventually(async () => {
      const [row] = await t.sql<{ pending: boolean }>('select pending_password_encrypted is not null as pending from password_reset where id = $1', [r.id]);
      return row && !row.pending;
    }, 15_000, 'the pending password to be discarded');
  });

  it('survives an SMTP server answering 421 once: exactly one email, sent on the second try', async () => {
    const user = await createUser(t, admin);
    t.smtp.failNext(1, 421);
    const r = await reset(user.id);
    await complete(user.id, r.id);

    await eventually(async () => {
      const status = await emailStatus(user.id, r.id);
      return status.delivery === 'queued' && status.attempts === 1 && status.lastError === '421 Try again later';
    }, 15_000, 'the first try to be recorded as failed temporarily');
    const status = await untilDelivery(user.id, r.id, 'sent', RETRY_WAIT_MS);
    expect(status).toMatchObject({ delivery: 'sent', attempts: 2, lastError: null });
    expect(mailsTo(user.email!)).toHaveLength(1);
    expect(mailsTo(user.email!)[0].messageId).toBe(`<password-reset.${r.id}@custodian.test>`);
  }, RETRY_TEST_TIMEOUT_MS);

  it('ends failed with the reason after one try when the SMTP server answers 550', async () => {
    const user = await createUser(t, admin);
    t.smtp.failNext(1, 550);
    const r = await reset(user.id);
    await complete(user.id, r.id);

    const status = await untilDelivery(user.id, r.id, 'failed');
    expect(status).toMatchObject({ address: user.email, delivery: 'failed', attempts: 1, sentAt: null, lastError: '550 Mailbox unavailable' });
    expect(mailsTo(user.email!)).toHaveLength(0);
    const events = await eventually(async () => {
      const rows = await t.sql<{ payload: Record<string, unknown> }>(
        `select payload from outbox_event where name = 'notifications.password_reset_email_failed' and payload->>'resetId' = $1`,
        [r.id],
      );
      return rows.length > 0 ? rows : null;
    });
    expect(events[0].payload).toMatchObject({ reason: '550 Mailbox unavailable', attempts: 1, address: user.email });
  });

  it('never emails the password of a reset superseded while its email waited for a retry', async () => {
    const user = await createUser(t, admin);
    t.smtp.failNext(1, 421);
    const first = await reset(user.id);
    await complete(user.id, first.id);
    await eventually(async () => (await emailStatus(user.id, first.id)).attempts === 1, 15_000, 'the first try');

    const second = await reset(user.id);
    const status = await untilDelivery(user.id, first.id, 'failed', RETRY_WAIT_MS);
    expect(status).toMatchObject({ delivery: 'failed', attempts: 1, lastError: 'The reset was superseded by a newer reset' });
    expect(t.smtp.messages.some((m) => m.raw.includes(first.password!))).toBe(false);

    // The newer reset's email still goes out, with its own password.
    await complete(user.id, second.id);
    await untilDelivery(user.id, second.id, 'sent');
    const mails = mailsTo(user.email!);
    expect(mails).toHaveLength(1);
    expect(mails[0].parsed.text).toContain(second.password!);
  }, RETRY_TEST_TIMEOUT_MS);

  it('reports not_requested when the reset was completed without email, and sends nothing', async () => {
    const user = await createUser(t, admin);
    const r = await reset(user.id);
    await complete(user.id, r.id, false);
    expect(await emailStatus(user.id, r.id)).toMatchObject({ delivery: 'not_requested', attempts: 0, sentAt: null, lastError: null });
    const rows = await t.sql('select 1 from email_delivery where reset_id = $1', [r.id]);
    expect(rows).toHaveLength(0);
  });

  it('sends one email per reset however often the completed event is delivered', async () => {
    const user = await createUser(t, admin);
    const r = await reset(user.id);
    await complete(user.id, r.id);
    await untilDelivery(user.id, r.id, 'sent');
    const [completed] = await t.sql<{ id: string }>(
      `select id from outbox_event where name = 'users.password_reset_completed' and payload->>'resetId' = $1`,
      [r.id],
    );

    const commands = t.app.get(CommandBus);
    // The outbox delivering the same event again, and a second event for the same reset.
    await commands.execute(new SendPasswordResetEmailCommand(r.id, user.id, completed.id));
    await commands.execute(new SendPasswordResetEmailCommand(r.id, user.id, randomUUID()));

    const jobs = await t.sql(`select 1 from pgboss.job where name = 'password-reset-email' and data->>'resetId' = $1`, [r.id]);
    expect(jobs).toHaveLength(1);
    expect(await emailStatus(user.id, r.id)).toMatchObject({ delivery: 'sent', attempts: 1 });
    expect(mailsTo(user.email!)).toHaveLength(1);
  });
});
