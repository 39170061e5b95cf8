import { Command } from '@nestjs/cqrs';
import type { Actor } from '@app/core';

/** A user replaces their own password (also the forced change after a reset); their other sessions end. */
export class ChangeOwnPasswordCommand extends Command<void> {
  constructor(
    readonly actor: Actor,
    readonly currentPassword: string,
    readonly newPassword: string,
  ) {
    super();
  }
}
