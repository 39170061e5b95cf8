import { useCallback, useRef, useState } from 'react';
import type { CreatedPasswordReset, PasswordReset, User } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { CompleteResetDialog } from './complete-reset-dialog';
import { ConfirmResetDialog } from './confirm-reset-dialog';
import { fromCreatedReset, fromPendingReset, type ResetToComplete } from './reset-to-complete';

type Step = { name: 'idle' } | { name: 'confirm' } | { name: 'complete'; reset: ResetToComplete };

/**
 * The Reset Password button and the two popups behind it. Rendered only when
 * the API says `actions.resetPassword`; the caller checks that.
 */
export function ResetPasswordAction({ user, onFinished }: { user: User; onFinished?(): void }) {
  const { t } = useI18n();
  const opener = useRef<HTMLButtonElement>(null);
  const [step, setStep] = useState<Step>({ name: 'idle' });

  const finish = useCallback(() => {
    setStep({ name: 'idle' });
    onFinished?.();
  }, [onFinished]);

  return (
    <>
      <button
        ref={opener}
        type="button"
        className="button danger"
        onClick={() => setStep({ name: 'confirm' })}
        aria-label={t('reset.buttonLabel', { username: user.username })}
        data-testid="reset-password-button"
      >
        {t('reset.button')}
      </button>
      {step.name === 'confirm' && (
        <ConfirmResetDialog
          user={user}
          returnFocusTo={opener.current}
          onNo={() => setStep({ name: 'idle' })}
          onReset={(created: CreatedPasswordReset) => setStep({ name: 'complete', reset: fromCreatedReset(created) })}
        />
      )}
      {step.name === 'complete' && (
        <CompleteResetDialog user={user} reset={step.reset} mode="fresh" returnFocusTo={opener.current} onFinished={finish} />
      )}
    </>
  );
}

/** Offered on the user's page for a reset still pending: the email can still carry its password. */
export function CompletePendingResetAction({ user, reset, onFinished }: { user: User; reset: PasswordReset; onFinished(): void }) {
  const { t } = useI18n();
  const opener = useRef<HTMLButtonElement>(null);
  const [open, setOpen] = useState(false);

  const finish = useCallback(() => {
    setOpen(false);
    onFinished();
  }, [onFinished]);

  return (
    <>
      <button ref={opener} type="button" className="button primary" onClick={() => setOpen(true)} data-testid="complete-pending-reset">
        {t('user.completePending')}
      </button>
      {open && (
        <CompleteResetDialog
          user={user}
          reset={fromPendingReset(reset, user)}
          mode="pending"
          returnFocusTo={opener.current}
          onFinished={finish}
        />
      )}
    </>
  );
}
