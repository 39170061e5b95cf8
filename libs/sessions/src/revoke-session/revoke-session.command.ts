import { Command } from '@nestjs/cqrs';

/** Ends one session (sign-out). */
export class RevokeSessionCommand extends Command<void> {
  constructor(readonly sessionId: string) {
    super();
  }
}
