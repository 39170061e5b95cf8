import { Command } from '@nestjs/cqrs';
import type { Actor } from '@app/core';
import type { PasswordResetCreatedView } from '../domain/password-reset.view';
import type { ResetPasswordDto } from './reset-password.dto';

/** Step 1 of the admin flow: a new temporary password, in force from the response on. */
export class ResetPasswordCommand extends Command<PasswordResetCreatedView> {
  constructor(
    readonly actor: Actor,
    readonly userId: string,
    readonly options: ResetPasswordDto,
    readonly idempotencyKey: string | null,
  ) {
    super();
  }
}
