import { Command } from '@nestjs/cqrs';

/** Drops the encrypted copy of a reset's password once no email will need it (sent, or finally failed). */
export class DiscardPendingPasswordCommand extends Command<void> {
  constructor(readonly resetId: string) {
    super();
  }
}
