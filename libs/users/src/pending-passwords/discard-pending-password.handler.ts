import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { MikroORM } from '@mikro-orm/postgresql';
import { DiscardPendingPasswordCommand } from '../queries/discard-pending-password.command';

@CommandHandler(DiscardPendingPasswordCommand)
export class DiscardPendingPasswordHandler implements ICommandHandler<DiscardPendingPasswordCommand> {
  constructor(private readonly orm: MikroORM) {}

  async execute({ resetId }: DiscardPendingPasswordCommand): Promise<void> {
    await this.orm.em.fork().execute('update password_reset set pending_password_encrypted = null where id = ? and pending_password_encrypted is not null', [resetId]);
  }
}
