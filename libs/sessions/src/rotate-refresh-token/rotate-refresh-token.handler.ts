import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Logger } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { Clock } from '@app/core';
import { formatRefreshToken, hashRefreshSecret, newRefreshSecret, parseRefreshToken } from '../domain/refresh-token';
import { unauthenticated } from '../domain/sessions.errors';
import { RotatedSession, RotateRefreshTokenCommand } from './rotate-refresh-token.command';

@CommandHandler(RotateRefreshTokenCommand)
export class RotateRefreshTokenHandler implements ICommandHandler<RotateRefreshTokenCommand> {
  private readonly logger = new Logger(RotateRefreshTokenHandler.name);

  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
  ) {}

  async execute({ refreshToken }: RotateRefreshTokenCommand): Promise<RotatedSession> {
    const token = parseRefreshToken(refreshToken);
    if (!token) throw unauthenticated();
    const em = this.orm.em.fork();
    const now = this.clock.now();
    const secret = newRefreshSecret();
    // One conditional UPDATE: of two racing refreshes with the same token, exactly one matches.
    const [rotated] = await em.execute<{ user_id: string }[]>(
      `update session set refresh_hash = ?, refresh_generation = refresh_generation + 1, last_used_at = ?
        where id = ? and refresh_generation = ? and refresh_hash = ? and revoked_at is null and expires_at > ?
        returning user_id`,
      [hashRefreshSecret(secret), now, token.sessionId, token.generation, hashRefreshSecret(token.secret), now],
    );
    if (rotated) {
      return { sessionId: token.sessionId, userId: rotated.user_id, refreshToken: formatRefreshToken({ sessionId: token.sessionId, generation: token.generation + 1, secret }) };
    }
    await this.revokeIfReused(token.sessionId, token.generation, now);
    throw unauthenticated();
  }

  /** An older generation presented again means the token leaked: end the whole session. */
  private async revokeIfReused(sessionId: string, generation: number, now: Date): Promise<void> {
    const revoked = await this.orm.em.fork().execute(
      `update session set revoked_at = ?, revoked_reason = 'refresh_token_reused'
        where id = ? and refresh_generation > ? and revoked_at is null returning id`,
      [now, sessionId, generation],
    );
    if (revoked.length > 0) this.logger.warn(`Refresh token reuse: session ${sessionId} revoked`);
  }
}
