import { Command } from '@nestjs/cqrs';
import type { Actor } from '@app/core';
import type { PasswordResetView } from '../domain/password-reset.view';

/** Step 2: apply the success popup's toggles ("Confirm"; "Close" is both off). */
export class CompletePasswordResetCommand extends Command<PasswordResetView> {
  constructor(
    readonly actor: Actor,
    readonly userId: string,
    readonly resetId: string,
    readonly sendEmail: boolean,
    readonly logoutSessions: boolean,
  ) {
    super();
  }
}
