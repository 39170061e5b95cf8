import { Injectable } from '@nestjs/common';
import { ICommand, IEvent, ofType, Saga } from '@nestjs/cqrs';
import { Observable, filter, map } from 'rxjs';
import { PasswordResetCompletedEvent } from '@app/users';
import { SendPasswordResetEmailCommand } from './send-password-reset-email.command';

/** A completed reset whose admin chose "Send Email to User" gets its email queued. */
@Injectable()
export class SendPasswordResetEmailSaga {
  @Saga()
  passwordResetCompleted = (events$: Observable<IEvent>): Observable<ICommand> =>
    events$.pipe(
      ofType(PasswordResetCompletedEvent),
      filter((event) => event.sendEmail),
      map((event) => new SendPasswordResetEmailCommand(event.resetId, event.userId, event.eventId)),
    );
}
