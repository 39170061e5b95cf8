import { Command } from '@nestjs/cqrs';
import type { Actor } from '@app/core';
import type { UserView } from '../domain/user.view';
import type { CreateUserDto } from './create-user.dto';

export class CreateUserCommand extends Command<UserView> {
  constructor(
    readonly actor: Actor,
    readonly fields: CreateUserDto,
  ) {
    super();
  }
}
