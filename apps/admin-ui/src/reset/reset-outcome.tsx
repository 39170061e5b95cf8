import type { PasswordReset } from '../api/types';
import { useI18n } from '../i18n/i18n';
import type { DeliveryView } from './use-email-delivery';

/** What Confirm achieved: the email's progress and how many sessions ended. */
export function ResetOutcome({
  completed,
  delivery,
  closingSoon,
}: {
  completed: PasswordReset;
  delivery: DeliveryView | null;
  closingSoon: boolean;
}) {
  const { t, plural } = useI18n();
  const address = completed.email.address ?? '';
  const state = delivery?.delivery ?? completed.email.delivery;

  let emailLine = t('outcome.noEmail');
  if (completed.sendEmail) {
    if (state === 'sent') emailLine = t('outcome.emailSent', { address });
    else if (state === 'failed') emailLine = t('outcome.emailFailed', { address, error: delivery?.lastError ?? '' });
    else if (delivery?.timedOut) emailLine = t('outcome.emailStillQueued', { address });
    else if (state === 'sending') emailLine = t('outcome.emailSending', { address });
    else emailLine = t('outcome.emailQueued', { address });
  }

  return (
    <div className="outcome" role="status" aria-live="polite" data-testid="reset-outcome">
      <p className="success-status">✓ {t('outcome.completed')}</p>
      <p data-testid="email-outcome" data-delivery={completed.sendEmail ? state : 'not_requested'} className={state === 'failed' ? 'is-warning' : undefined}>
        {emailLine}
      </p>
      <p data-testid="sessions-outcome" data-count={completed.sessionsRevoked ?? 0}>
        {completed.logoutSessions ? plural('sessionsEnded', completed.sessionsRevoked ?? 0) : t('outcome.noLogout')}
      </p>
      {closingSoon && <p className="hint">{t('outcome.closingSoon')}</p>}
    </div>
  );
}
