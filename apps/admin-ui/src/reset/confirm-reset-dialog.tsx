import { useId, useRef, useState, type FormEvent } from 'react';
import * as api from '../api/endpoints';
import type { CreatedPasswordReset, User } from '../api/types';
import { Dialog } from '../components/dialog';
import { ErrorMessage } from '../components/error-message';
import { useI18n } from '../i18n/i18n';
import { newIdempotencyKey } from './idempotency-key';

const REASON_MAX = 500;

interface ConfirmResetDialogProps {
  user: User;
  returnFocusTo: HTMLElement | null;
  onNo(): void;
  onReset(created: CreatedPasswordReset): void;
}

/** The confirmation popup: Yes performs the reset, No (or Escape) leaves everything as it was. */
export function ConfirmResetDialog({ user, returnFocusTo, onNo, onReset }: ConfirmResetDialogProps) {
  const { t } = useI18n();
  const textId = useId();
  const reasonHintId = useId();
  const noButton = useRef<HTMLButtonElement>(null);
  const [reason, setReason] = useState('');
  const [requirePasswordChange, setRequirePasswordChange] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // One key per dialog and body: a retry after a lost answer returns the same reset instead
  // of making a second one, while an edited body gets a key of its own (no MISMATCH error).
  const attempt = useRef<{ key: string; body: string } | null>(null);

  async function yes(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const body = { requirePasswordChange, ...(reason.trim() ? { reason: reason.trim() } : {}) };
    const serialized = JSON.stringify(body);
    if (attempt.current?.body !== serialized) attempt.current = { key: newIdempotencyKey(), body: serialized };
    setBusy(true);
    setError(null);
    try {
      onReset(await api.resetPassword(user.id, body, attempt.current.key));
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  }

  const text =
    user.type === 'parent'
      ? t('reset.confirmTextIqama', { username: user.username, last4: user.iqamaLast4 ?? '····' })
      : t('reset.confirmText', { username: user.username });

  return (
    <Dialog
      title={t('reset.confirmTitle', { name: user.displayName || user.username })}
      onDismiss={() => !busy && onNo()}
      returnFocusTo={returnFocusTo}
      initialFocus={noButton}
      describedBy={textId}
      testId="confirm-reset-dialog"
    >
      <form className="form" onSubmit={yes}>
        <p id={textId}>{text}</p>
        <label className="field">
          <span>{t('reset.reason')}</span>
          <textarea
            rows={3}
            maxLength={REASON_MAX}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            aria-describedby={reasonHintId}
            data-testid="reset-reason"
          />
        </label>
        <p id={reasonHintId} className="hint">
          {t('reset.reasonHint', { count: reason.length })}
        </p>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={requirePasswordChange}
            onChange={(e) => setRequirePasswordChange(e.target.checked)}
            data-testid="require-password-change"
          />
          <span>{t('reset.requireChange')}</span>
        </label>
        <ErrorMessage error={error} testId="reset-error" />
        <div className="actions">
          <button type="submit" className="button primary" disabled={busy} data-testid="confirm-yes">
            {busy ? t('reset.working') : t('common.yes')}
          </button>
          <button type="button" className="button" ref={noButton} disabled={busy} onClick={onNo} data-testid="confirm-no">
            {t('common.no')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
