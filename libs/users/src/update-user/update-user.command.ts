import { Command } from '@nestjs/cqrs';
import type { Actor } from '@app/core';
import type { UserView } from '../domain/user.view';
import type { UpdateUserDto } from './update-user.dto';

export class UpdateUserCommand extends Command<UserView> {
  constructor(
    readonly actor: Actor,
    readonly userId: string,
    readonly changes: UpdateUserDto,
  ) {
    super();
  }
}
