import { useEffect, useId, useRef, useState } from 'react';
import { isApiError } from '../api/api-error';
import * as api from '../api/endpoints';
import type { PasswordReset, User } from '../api/types';
import { Dialog } from '../components/dialog';
import { ErrorMessage } from '../components/error-message';
import { Toggle } from '../components/toggle';
import { useI18n } from '../i18n/i18n';
import { EmailToggle } from './email-toggle';
import { PasswordReveal } from './password-reveal';
import { ResetOutcome } from './reset-outcome';
import type { ResetToComplete } from './reset-to-complete';
import { useEmailDelivery } from './use-email-delivery';

const AUTO_CLOSE_MS = 4000;

// Answers after which there is nothing left to complete: closing is all that remains.
const FINISHED_CODES = ['RESET_ALREADY_COMPLETED', 'RESET_SUPERSEDED', 'RESET_EXPIRED'];

interface CompleteResetDialogProps {
  user: User;
  reset: ResetToComplete;
  /** `fresh`: right after Yes, Close completes with both toggles off. `pending`: picked up later, "Not now" leaves it pending. */
  mode: 'fresh' | 'pending';
  returnFocusTo: HTMLElement | null;
  onFinished(): void;
}

/**
 * The success popup: the new password (or the IQAMA note), the two toggles,
 * Confirm and Close; after Confirm, the outcome, then it closes itself.
 */
export function CompleteResetDialog({ user, reset, mode, returnFocusTo, onFinished }: CompleteResetDialogProps) {
  const { t, formatDateTime } = useI18n();
  const statusId = useId();
  const [sendEmail, setSendEmail] = useState(false);
  const [logoutSessions, setLogoutSessions] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [closeFailedOnce, setCloseFailedOnce] = useState(false);
  const [completed, setCompleted] = useState<PasswordReset | null>(null);
  const delivery = useEmailDelivery(completed);

  const finish = useRef(onFinished);
  finish.current = onFinished;

  // A clean outcome closes by itself once read; a failed or slow email stays until the admin closes it.
  const outcomeIsFinal = !!completed && (!completed.sendEmail || delivery?.delivery === 'sent');
  useEffect(() => {
    if (!outcomeIsFinal) return;
    const timer = setTimeout(() => finish.current(), AUTO_CLOSE_MS);
    return () => clearTimeout(timer);
  }, [outcomeIsFinal]);

  async function complete(toggles: { sendEmail: boolean; logoutSessions: boolean }): Promise<PasswordReset | null> {
    setBusy(true);
    setError(null);
    try {
      return await api.completePasswordReset(reset.userId, reset.id, toggles);
    } catch (caught) {
      // The completion may have been saved after all (a lost answer retried, or follow-up work still
      // running): then what the reset now says is the outcome to show.
      const recovered = await completedAfterAll(caught);
      if (!recovered || isApiError(caught, 'RESET_ALREADY_COMPLETED')) setError(caught);
      return recovered;
    } finally {
      setBusy(false);
    }
  }

  async function confirm() {
    const result = await complete({ sendEmail, logoutSessions });
    if (result) setCompleted(result);
  }

  async function close() {
    if (busy) return;
    if (completed || mode === 'pending' || closeFailedOnce) {
      onFinished();
      return;
    }
    // Close is a decision too: the reset is completed with both toggles off.
    const result = await complete({ sendEmail: false, logoutSessions: false });
    if (result) onFinished();
    else setCloseFailedOnce(true);
  }

  async function completedAfterAll(error: unknown): Promise<PasswordReset | null> {
    if (!isApiError(error, 'DELIVERY_PENDING') && !isApiError(error, 'RESET_ALREADY_COMPLETED')) return null;
    const current = await api.fetchPasswordReset(reset.userId, reset.id).catch(() => null);
    return current?.status === 'completed' ? current : null;
  }

  useEffect(() => {
    if (FINISHED_CODES.some((code) => isApiError(error, code))) setCloseFailedOnce(true);
  }, [error]);

  const title =
    mode === 'fresh' ? t('reset.successTitle') : t('reset.pendingTitle', { name: user.displayName || user.username });
  const choosing = !completed;

  return (
    <Dialog title={title} onDismiss={close} returnFocusTo={returnFocusTo} describedBy={statusId} testId="reset-success-dialog">
      <p id={statusId} role="status" className={mode === 'fresh' ? 'success-status' : 'hint'} data-testid="reset-status">
        {mode === 'fresh'
          ? `✓ ${t('reset.successStatus', { username: user.username })}`
          : t('reset.pendingStatus', { time: formatDateTime(reset.createdAt), admin: reset.performedBy.username })}
      </p>

      {reset.method === 'iqama' ? (
        <p className="iqama-note" data-testid="iqama-note">
          {t('reset.iqamaNote', { last4: user.iqamaLast4 ?? '····' })}
        </p>
      ) : reset.password ? (
        <PasswordReveal password={reset.password} />
      ) : (
        <p className="hint">{t('reset.passwordShownOnce')}</p>
      )}
      {reset.passwordExpiresAt && <p className="hint">{t('reset.expiresAt', { time: formatDateTime(reset.passwordExpiresAt) })}</p>}

      {choosing && (
        <div className="toggles">
          <EmailToggle
            userId={user.id}
            username={user.username}
            address={reset.emailAddress}
            valid={reset.emailValid}
            completeBy={reset.completeBy}
            checked={sendEmail}
            onChange={setSendEmail}
            onLeaveToEditEmail={onFinished}
            disabled={busy}
          />
          <Toggle
            label={t('reset.logoutSessions')}
            checked={logoutSessions}
            onChange={setLogoutSessions}
            disabled={busy}
            testId="logout-sessions-toggle"
          >
            <p className="toggle-detail">{t('reset.logoutHint')}</p>
          </Toggle>
        </div>
      )}

      <ErrorMessage error={error} testId="complete-error" />
      {completed && <ResetOutcome completed={completed} delivery={delivery} closingSoon={outcomeIsFinal} />}

      <div className="actions">
        {choosing && !closeFailedOnce && (
          <button type="button" className="button primary" disabled={busy} onClick={confirm} data-testid="complete-confirm">
            {busy ? t('reset.completing') : t('reset.confirm')}
          </button>
        )}
        <button type="button" className="button" disabled={busy} onClick={close} data-testid="complete-close">
          {completed ? t('outcome.done') : mode === 'pending' ? t('reset.notNow') : t('reset.close')}
        </button>
      </div>
    </Dialog>
  );
}
