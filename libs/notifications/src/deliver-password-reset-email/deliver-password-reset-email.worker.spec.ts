import { Logger } from '@nestjs/common';
import type { Job } from 'pg-boss';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainEvent } from '@app/core';
import { DiscardPendingPasswordCommand, GetPasswordResetEmailQuery, PasswordResetEmailContent } from '@app/users';
import { EmailDeliveries, EmailDeliveryRow } from '../domain/email-delivery.repository';
import { PasswordResetEmailFailedEvent, PasswordResetEmailSentEvent } from '../domain/notifications.events';
import { PASSWORD_RESET_EMAIL_DEAD_LETTER_QUEUE, PASSWORD_RESET_EMAIL_QUEUE, PasswordResetEmailJob } from '../domain/password-reset-email.queue';
import { DeliverPasswordResetEmailWorker, RetryLaterError } from './deliver-password-reset-email.worker';

const RESET = '0b6f3c3e-8a59-4e0e-9d59-2a8f9f3b1c11';
const PASSWORD = 'x7#Kp9wzMn2Qa4Rt';

function row(overrides: Partial<EmailDeliveryRow> = {}): EmailDeliveryRow {
  return {
    resetId: RESET,
    userId: 'u1',
    targetUsername: 'fatima.k',
    actorId: 'a1',
    actorUsername: 'admin',
    address: 'fatima@example.org',
    status: 'queued',
    attempts: 0,
    lastError: null,
    messageId: null,
    sentAt: null,
    origin: { requestId: 'req-1', ip: '203.0.113.7', userAgent: 'jest' },
    ...overrides,
  };
}

function content(overrides: Partial<PasswordResetEmailContent> = {}): PasswordResetEmailContent {
  return {
    state: 'current',
    resetId: RESET,
    userId: 'u1',
    to: 'fatima@example.org',
    username: 'fatima.k',
    displayName: 'Fatima K.',
    email: 'fatima@example.org',
    locale: 'en',
    method: 'random',
    password: PASSWORD,
    requirePasswordChange: true,
    performedBy: { id: 'a1', username: 'admin' },
    ...overrides,
  };
}

/** The worker with its collaborators replaced by fakes; the delivery row lives in `state`. */
function setup(options: { row?: EmailDeliveryRow | null; content?: PasswordResetEmailContent; maxAttempts?: number; send?: jest.Mock } = {}) {
  const state = { row: options.row === undefined ? row() : options.row };
  const raised: DomainEvent[] = [];
  const em = {} as EntityManager;
  jest.spyOn(EmailDeliveries, 'find').mockImplementation(async () => (state.row ? { ...state.row } : null));
  jest.spyOn(EmailDeliveries, 'startAttempt').mockImplementation(async () => {
    if (!state.row || !['queued', 'sending'].includes(state.row.status)) return null;
    state.row = { ...state.row, status: 'sending', attempts: state.row.attempts + 1 };
    return state.row.attempts;
  });
  jest.spyOn(EmailDeliveries, 'markSent').mockImplementation(async (_em, _id, messageId, now) => {
    state.row = { ...state.row!, status: 'sent', messageId, sentAt: now, lastError: null };
    return true;
  });
  jest.spyOn(EmailDeliveries, 'markRetrying').mockImplementation(async (_em, _id, reason) => {
    state.row = { ...state.row!, status: 'queued', lastError: reason };
  });
  jest.spyOn(EmailDeliveries, 'markFailed').mockImplementation(async (_em, _id, reason) => {
    if (!['queued', 'sending'].includes(state.row!.status)) return false;
    state.row = { ...state.row!, status: 'failed', lastError: reason };
    return true;
  });
  const uow = { run: jest.fn(async (work: (tx: unknown) => Promise<unknown>) => work({ em, raise: (e: DomainEvent) => raised.push(e) })) };
  const queryBus = { execute: jest.fn(async (query: unknown) => {
    expect(query).toBeInstanceOf(GetPasswordResetEmailQuery);
    return options.content ?? content();
  }) };
  const commandBus = { execute: jest.fn(async () => undefined) };
  const handlers = new Map<string, (job: Job<PasswordResetEmailJob>) => Promise<void>>();
  const jobs = { work: jest.fn(async (name: string, _options: unknown, handler: (job: Job<PasswordResetEmailJob>) => Promise<void>) => void handlers.set(name, handler)) };
  const queue = { ensure: jest.fn(async () => undefined) };
  const mailer = { sendMail: options.send ?? jest.fn(async () => ({ messageId: 'x' })) };
  const clock = { now: () => new Date('2026-12-03T10:00:00Z') };
  const config = { get: (key: string) => (key === 'publicUrl' ? 'http://custodian.test' : { maxAttempts: options.maxAttempts ?? 3 }) };
  const worker = new DeliverPasswordResetEmailWorker(
    { em: { fork: () => em } } as never,
    uow as never,
    queryBus as never,
    commandBus as never,
    jobs as never,
    queue as never,
    mailer as never,
    clock as never,
    config as never,
  );
  const run = (queueName: string) => async () => {
    if (handlers.size === 0) await worker.onApplicationBootstrap();
    return handlers.get(queueName)!({ id: 'job-1', name: queueName, data: { resetId: RESET } } as Job<PasswordResetEmailJob>);
  };
  return { state, raised, mailer, commandBus, runJob: run(PASSWORD_RESET_EMAIL_QUEUE), runDeadLetter: run(PASSWORD_RESET_EMAIL_DEAD_LETTER_QUEUE) };
}

function smtpError(responseCode: number, response: string): Error {
  return Object.assign(new Error(`Message failed: ${response}`), { code: 'EMESSAGE', responseCode, response });
}

afterEach(() => jest.restoreAllMocks());

describe('DeliverPasswordResetEmailWorker', () => {
  it('sends once, records it as sent with the try counted, announces it and drops the pending password', async () => {
    const t = setup();
    await t.runJob();
    expect(t.mailer.sendMail).toHaveBeenCalledTimes(1);
    const mail = t.mailer.sendMail.mock.calls[0][0];
    expect(mail).toMatchObject({ to: 'fatima@example.org', messageId: `<password-reset.${RESET}@custodian.test>`, template: 'en/password-reset.html.hbs' });
    expect(mail.text).toContain(PASSWORD);
    expect(t.state.row).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
    expect(t.raised).toHaveLength(1);
    expect(t.raised[0]).toBeInstanceOf(PasswordResetEmailSentEvent);
    expect(t.raised[0]).toMatchObject({ resetId: RESET, attempts: 1, actor: { id: 'a1', username: 'admin' }, address: 'fatima@example.org' });
    expect(t.raised[0].context).toEqual({ requestId: 'req-1', ip: '203.0.113.7', userAgent: 'jest' });
    expect(JSON.stringify(t.raised[0])).not.toContain(PASSWORD);
    expect(t.commandBus.execute).toHaveBeenCalledWith(new DiscardPendingPasswordCommand(RESET));
  });

  it.each([
    ['superseded', 'The reset was superseded by a newer reset'],
    ['expired', 'The reset expired before the email was sent'],
    ['not_found', 'The reset no longer exists'],
  ] as const)('never emails a reset that is %s: it fails with the reason', async (resetState, reason) => {
    const t = setup({ content: content({ state: resetState }) });
    await t.runJob();
    expect(t.mailer.sendMail).not.toHaveBeenCalled();
    expect(t.state.row).toMatchObject({ status: 'failed', attempts: 0, lastError: reason });
    expect(t.raised).toEqual([expect.any(PasswordResetEmailFailedEvent)]);
    expect(t.raised[0]).toMatchObject({ reason, attempts: 0 });
    expect(t.commandBus.execute).toHaveBeenCalledWith(new DiscardPendingPasswordCommand(RESET));
  });

  it('fails at once on a permanent refusal (5xx), after one try', async () => {
    const t = setup({ send: jest.fn(async () => Promise.reject(smtpError(550, '550 Mailbox unavailable'))) });
    await t.runJob();
    expect(t.state.row).toMatchObject({ status: 'failed', attempts: 1, lastError: '550 Mailbox unavailable' });
    expect(t.raised[0]).toMatchObject({ reason: '550 Mailbox unavailable', attempts: 1 });
    expect(t.commandBus.execute).toHaveBeenCalledWith(new DiscardPendingPasswordCommand(RESET));
  });

  it('puts a temporary failure (4xx) back in the queue and asks pg-boss to retry', async () => {
    const t = setup({ send: jest.fn(async () => Promise.reject(smtpError(421, '421 Try again later'))) });
    await expect(t.runJob()).rejects.toBeInstanceOf(RetryLaterError);
    expect(t.state.row).toMatchObject({ status: 'queued', attempts: 1, lastError: '421 Try again later' });
    expect(t.raised).toEqual([]);
    expect(t.commandBus.execute).not.toHaveBeenCalled();
  });

  it('gives up after the last allowed try of a temporary failure', async () => {
    const t = setup({ maxAttempts: 2, row: row({ attempts: 1, lastError: '421 Try again later' }), send: jest.fn(async () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ESOCKET', originalCode: 'ECONNREFUSED' }))) });
    await t.runJob();
    expect(t.state.row).toMatchObject({ status: 'failed', attempts: 2, lastError: 'Connection refused by the mail server' });
    expect(t.raised[0]).toBeInstanceOf(PasswordResetEmailFailedEvent);
  });

  it('does nothing but the discard when the outcome is already recorded', async () => {
    const t = setup({ row: row({ status: 'sent', attempts: 1 }) });
    await t.runJob();
    expect(t.mailer.sendMail).not.toHaveBeenCalled();
    expect(t.raised).toEqual([]);
    expect(t.commandBus.execute).toHaveBeenCalledWith(new DiscardPendingPasswordCommand(RESET));
  });

  it('turns an unexpected error into a retry, and no log line or job record carries the password', async () => {
    const t = setup();
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(EmailDeliveries, 'startAttempt').mockRejectedValue(new Error(`value too long: ${PASSWORD}`));
    const error = await t.runJob().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryLaterError);
    expect((error as Error).message).toBe('Unexpected error');
    expect(logged).toHaveBeenCalledTimes(1);
    expect(String(logged.mock.calls[0][0])).toContain('[redacted]');
    expect(String(logged.mock.calls[0][0])).not.toContain(PASSWORD);
    expect(t.mailer.sendMail).not.toHaveBeenCalled();
  });

  it('never emails a random password that is no longer available', async () => {
    const t = setup({ content: content({ password: null }) });
    await t.runJob();
    expect(t.mailer.sendMail).not.toHaveBeenCalled();
    expect(t.state.row).toMatchObject({ status: 'failed', lastError: 'The new password is no longer available' });
  });

  it('records a job pg-boss gave up on as failed, with the last reason it knew', async () => {
    const t = setup({ row: row({ status: 'sending', attempts: 3, lastError: 'Mail server timed out' }) });
    await t.runDeadLetter();
    expect(t.mailer.sendMail).not.toHaveBeenCalled();
    expect(t.state.row).toMatchObject({ status: 'failed', attempts: 3, lastError: 'Mail server timed out' });
    expect(t.raised).toEqual([expect.any(PasswordResetEmailFailedEvent)]);
    expect(t.commandBus.execute).toHaveBeenCalledWith(new DiscardPendingPasswordCommand(RESET));
  });

  it('leaves a finished delivery as it is when its job reaches the dead-letter queue', async () => {
    const t = setup({ row: row({ status: 'sent', attempts: 1 }) });
    await t.runDeadLetter();
    expect(t.state.row?.status).toBe('sent');
    expect(t.raised).toEqual([]);
  });
});
