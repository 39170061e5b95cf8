import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConfigService } from '@nestjs/config';
import { MikroORM } from '@mikro-orm/postgresql';
import { AppConfig, Clock } from '@app/core';
import { Session } from '../domain/session.entity';
import { formatRefreshToken, hashRefreshSecret, newRefreshSecret } from '../domain/refresh-token';
import { OpenedSession, OpenSessionCommand } from './open-session.command';

@CommandHandler(OpenSessionCommand)
export class OpenSessionHandler implements ICommandHandler<OpenSessionCommand> {
  private readonly ttlSeconds: number;

  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    config: ConfigService<AppConfig, true>,
  ) {
    this.ttlSeconds = config.get('refreshTokenTtlSeconds', { infer: true });
  }

  async execute({ userId, ip, userAgent, credentialsVersion }: OpenSessionCommand): Promise<OpenedSession> {
    const now = this.clock.now();
    const secret = newRefreshSecret();
    const session = Object.assign(new Session(), {
      userId,
      credentialsVersion,
      refreshHash: hashRefreshSecret(secret),
      createdAt: now,
      lastUsedAt: now,
      expiresAt: new Date(now.getTime() + this.ttlSeconds * 1000),
      ip,
      userAgent,
    });
    await this.orm.em.fork().persist(session).flush();
    return { sessionId: session.id, refreshToken: formatRefreshToken({ sessionId: session.id, generation: 0, secret }), expiresAt: session.expiresAt };
  }
}
