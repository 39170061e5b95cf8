import { Command } from '@nestjs/cqrs';

/** Queues the templated reset email as a durable job (once per reset). */
export class SendPasswordResetEmailCommand extends Command<void> {
  constructor(
    readonly resetId: string,
    readonly userId: string,
    readonly causationEventId: string,
  ) {
    super();
  }
}
