import { Query } from '@nestjs/cqrs';

export type EmailDeliveryState = 'queued' | 'sending' | 'sent' | 'failed';

export interface EmailDeliveryStatus {
  delivery: EmailDeliveryState;
  address: string;
  attempts: number;
  sentAt: string | null;
  lastError: string | null;
}

/** The delivery of a reset's email, or null when none was requested. Answered by the notifications module. */
export class GetPasswordResetEmailDeliveryQuery extends Query<EmailDeliveryStatus | null> {
  constructor(readonly resetId: string) {
    super();
  }
}
