import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConfigService } from '@nestjs/config';
import { EntityManager, LockMode, MikroORM, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { createHash } from 'node:crypto';
import { Actor, AppConfig, Clock, RateLimit, RateLimiter, RateLimitState, TooManyRequestsError, UnitOfWork } from '@app/core';
import { PasswordReset } from '../domain/password-reset.entity';
import { PasswordResetCreatedView, statusOf, toCreatedView } from '../domain/password-reset.view';
import { PasswordResetEvent } from '../domain/users.events';
import { PasswordHasher } from '../domain/password-hasher';
import { PendingPassword } from '../domain/pending-password';
import { IqamaVault } from '../domain/iqama-vault';
import { generatePassword } from '../domain/password-generator';
import { findUserOr404 } from '../domain/user-lookup';
import { UserErrors } from '../domain/users.errors';
import type { User } from '../domain/user.entity';
import type { ResetMethod } from '../domain/user.types';
import { ResetPasswordCommand } from './reset-password.command';

interface ResetRequest {
  actor: Actor;
  userId: string;
  requirePasswordChange: boolean;
  reason: string | null;
  idempotencyKey: string | null;
  fingerprint: string;
}

@CommandHandler(ResetPasswordCommand)
export class ResetPasswordHandler implements ICommandHandler<ResetPasswordCommand> {
  private readonly settings: AppConfig['reset'];

  constructor(
    private readonly orm: MikroORM,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly rateLimiter: RateLimiter,
    private readonly hasher: PasswordHasher,
    private readonly pending: PendingPassword,
    private readonly iqama: IqamaVault,
    config: ConfigService<AppConfig, true>,
  ) {
    this.settings = config.get('reset', { infer: true });
  }

  async execute(command: ResetPasswordCommand): Promise<PasswordResetCreatedView> {
    const request = this.normalise(command);
    const em = this.orm.em.fork();
    if (request.idempotencyKey) {
      const replay = await this.replay(em, request);
      if (replay) return replay;
    }
    // The admin's rate limit is read beside the lookup (one round trip less), and judged after it, so a
    // refusal keeps its order (404, 403, 422, then 429). Checked before hashing so a flood costs no bcrypt
    // work; counted atomically inside the transaction.
    const [user, limit] = await Promise.all([findUserOr404(em, request.userId), this.rateLimiter.state(this.rateLimit(request.actor))]);
    if (user.id === request.actor.id) throw UserErrors.selfReset();
    const method: ResetMethod = user.type === 'parent' ? 'iqama' : 'random';
    const password = method === 'iqama' ? this.iqama.reveal(user) : generatePassword(this.settings.passwordLength);
    if (password === null) throw UserErrors.iqamaMissing();
    this.refuseIfLimited(limit);
    // The expensive part (bcrypt, on the thread pool) happens before the transaction opens.
    const passwordHash = await this.hasher.hash(password);
    try {
      return await this.uow.run(({ em: tx, raise }) => this.apply(tx, raise, request, method, password, passwordHash));
    } catch (error) {
      // The same Idempotency-Key raced in twice: the first insert won; answer as its replay.
      if (error instanceof UniqueConstraintViolationException && request.idempotencyKey) {
        const replay = await this.replay(this.orm.em.fork(), request);
        if (replay) return replay;
      }
      throw error;
    }
  }

  private async apply(
    em: EntityManager,
    raise: (event: PasswordResetEvent) => void,
    request: ResetRequest,
    method: ResetMethod,
    password: string,
    passwordHash: string,
  ): Promise<PasswordResetCreatedView> {
    this.refuseIfLimited(await this.rateLimiter.consume(this.rateLimit(request.actor), em));
    // Locking the user serialises racing resets of one account: the later one supersedes the earlier.
    const user = await findUserOr404(em, request.userId, { lock: true });
    if (method === 'iqama' && !user.iqamaHash) throw UserErrors.iqamaMissing();
    const now = this.clock.now();
    const superseded = await this.supersedeOlderResets(em, user.id, now);

    user.passwordHash = passwordHash;
    user.passwordExpiresAt = new Date(now.getTime() + this.settings.passwordTtlSeconds * 1000);
    user.mustChangePassword = request.requirePasswordChange;
    user.credentialsVersion += 1;
    user.updatedAt = now;

    const reset = Object.assign(new PasswordReset(), {
      userId: user.id,
      performedById: request.actor.id,
      performedByUsername: request.actor.username,
      method,
      requirePasswordChange: request.requirePasswordChange,
      reason: request.reason,
      createdAt: now,
      completeBy: new Date(now.getTime() + this.settings.completeWindowSeconds * 1000),
      passwordExpiresAt: user.passwordExpiresAt,
      idempotencyKey: request.idempotencyKey,
      requestFingerprint: request.fingerprint,
      credentialsVersion: user.credentialsVersion,
    });
    em.persist(reset);
    // The parent already knows their IQAMA number: nothing to keep for the email or a replay.
    if (method === 'random') this.pending.keep(reset, password);

    raise(
      new PasswordResetEvent(reset.id, user.id, user.username, { id: request.actor.id, username: request.actor.username }, method, request.requirePasswordChange, request.reason, superseded),
    );
    return toCreatedView(reset, user, method === 'random' ? password : null);
  }

  /**
   * Older pending resets become superseded, and no older reset keeps a copy of a password that is no longer
   * the user's (a completed one may still have its email waiting). Locked, so that a completion committing
   * meanwhile is seen as completed rather than overwritten.
   */
  private async supersedeOlderResets(em: EntityManager, userId: string, now: Date): Promise<string[]> {
    const older = await em.find(
      PasswordReset,
      { userId, $or: [{ status: 'pending' }, { pendingPasswordEncrypted: { $ne: null } }] },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    const superseded: string[] = [];
    for (const reset of older) {
      this.pending.discard(reset);
      if (reset.status === 'pending' && statusOf(reset, now) === 'pending') {
        reset.status = 'superseded';
        superseded.push(reset.id);
      }
    }
    return superseded;
  }

  /** The same key, admin, user and body while the reset is pending: the first response again, password included. */
  private async replay(em: EntityManager, request: ResetRequest): Promise<PasswordResetCreatedView | null> {
    const earlier = await em.findOne(PasswordReset, { performedById: request.actor.id, idempotencyKey: request.idempotencyKey });
    if (!earlier) return null;
    if (earlier.requestFingerprint !== request.fingerprint) throw UserErrors.idempotencyKeyMismatch();
    const password = earlier.method === 'random' ? this.pending.read(earlier) : null;
    if (statusOf(earlier, this.clock.now()) !== 'pending' || (earlier.method === 'random' && password === null)) {
      throw UserErrors.idempotencyKeyReused();
    }
    const user: User = await findUserOr404(em, earlier.userId);
    return toCreatedView(earlier, user, password);
  }

  private refuseIfLimited(state: RateLimitState): void {
    if (state.limited) throw new TooManyRequestsError(state.retryAfterSeconds, 'Too many password resets; try again shortly.');
  }

  private rateLimit(actor: Actor): RateLimit {
    return { key: `reset:admin:${actor.id}`, limit: this.settings.maxPerAdminPerMinute, windowSeconds: 60 };
  }

  private normalise({ actor, userId, options, idempotencyKey }: ResetPasswordCommand): ResetRequest {
    const requirePasswordChange = options.requirePasswordChange ?? this.settings.requirePasswordChange;
    const reason = options.reason?.trim() || null;
    const fingerprint = createHash('sha256').update(JSON.stringify([userId, requirePasswordChange, reason])).digest('hex');
    return { actor, userId, requirePasswordChange, reason, idempotencyKey, fingerprint };
  }
}
