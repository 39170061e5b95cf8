import { Subject } from 'rxjs';
import { IEvent, ICommand } from '@nestjs/cqrs';
import { PasswordResetCompletedEvent, PasswordResetEvent } from '@app/users';
import { SendPasswordResetEmailSaga } from './send-password-reset-email.saga';
import { SendPasswordResetEmailCommand } from './send-password-reset-email.command';

const admin = { id: 'a1', username: 'admin' };

function completed(sendEmail: boolean): PasswordResetCompletedEvent {
  return new PasswordResetCompletedEvent('r1', 'u1', 'fatima.k', admin, sendEmail, false, new Date().toISOString(), admin, 1);
}

describe('SendPasswordResetEmailSaga', () => {
  it('asks for the email of a completed reset with "Send Email to User", and for nothing else', () => {
    const events = new Subject<IEvent>();
    const commands: ICommand[] = [];
    new SendPasswordResetEmailSaga().passwordResetCompleted(events).subscribe((c) => commands.push(c));

    const wanted = completed(true);
    events.next(new PasswordResetEvent('r0', 'u1', 'fatima.k', admin, 'random', true, null, []));
    events.next(completed(false));
    events.next(wanted);

    expect(commands).toEqual([new SendPasswordResetEmailCommand('r1', 'u1', wanted.eventId)]);
    expect(commands[0]).toBeInstanceOf(SendPasswordResetEmailCommand);
  });
});
