import { Injectable } from '@nestjs/common';
import { ICommand, IEvent, ofType, Saga } from '@nestjs/cqrs';
import { Observable, filter, map } from 'rxjs';
import { PasswordResetCompletedEvent, UserPasswordChangedEvent } from '@app/users';
import { RevokeUserSessionsCommand } from './revoke-user-sessions.command';

@Injectable()
export class RevokeUserSessionsSaga {
  /** "Logout Existing Sessions": every session signed in with the old password ends (those since stay). */
  @Saga()
  passwordResetCompleted = (events$: Observable<IEvent>): Observable<ICommand> =>
    events$.pipe(
      ofType(PasswordResetCompletedEvent),
      filter((event) => event.logoutSessions),
      map(
        (event) =>
          new RevokeUserSessionsCommand(event.userId, event.targetUsername, 'password_reset', event.credentialsVersion, null, event.resetId, event.performedBy, event.eventId),
      ),
    );

  /** Changing one's own password ends one's other sessions. */
  @Saga()
  passwordChanged = (events$: Observable<IEvent>): Observable<ICommand> =>
    events$.pipe(
      ofType(UserPasswordChangedEvent),
      map(
        (event) =>
          new RevokeUserSessionsCommand(event.userId, event.username, 'password_changed', null, event.keepSessionId, null, { id: event.userId, username: event.username }, event.eventId),
      ),
    );
}

