import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { MikroORM } from '@mikro-orm/postgresql';
import { Clock } from '@app/core';
import { RevokeSessionCommand } from './revoke-session.command';

@CommandHandler(RevokeSessionCommand)
export class RevokeSessionHandler implements ICommandHandler<RevokeSessionCommand> {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
  ) {}

  async execute({ sessionId }: RevokeSessionCommand): Promise<void> {
    await this.orm.em
      .fork()
      .execute(`update session set revoked_at = ?, revoked_reason = 'logout' where id = ? and revoked_at is null`, [this.clock.now(), sessionId]);
  }
}
