import { useId, useState, type FormEvent } from 'react';
import * as api from '../api/endpoints';
import { useI18n } from '../i18n/i18n';
import { ErrorMessage } from './error-message';

const MIN_LENGTH = 12;
const MAX_BYTES = 72; // bcrypt ignores what lies beyond, so the API refuses it.

/** Checks the API would refuse anyway, said before the round trip. The strength check stays on the server. */
function localProblem(current: string, next: string, repeated: string): 'tooShort' | 'tooLong' | 'mismatch' | 'sameAsCurrent' | null {
  if ([...next].length < MIN_LENGTH) return 'tooShort';
  if (new TextEncoder().encode(next).length > MAX_BYTES) return 'tooLong';
  if (next === current) return 'sameAsCurrent';
  if (next !== repeated) return 'mismatch';
  return null;
}

export function PasswordChangeForm({ onChanged }: { onChanged(): void | Promise<void> }) {
  const { t } = useI18n();
  const rulesId = useId();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeated, setRepeated] = useState('');
  const [problem, setProblem] = useState<ReturnType<typeof localProblem>>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setDone(false);
    setError(null);
    const found = localProblem(current, next, repeated);
    setProblem(found);
    if (found) return;
    setBusy(true);
    try {
      await api.changePassword(current, next);
      setCurrent('');
      setNext('');
      setRepeated('');
      setDone(true);
      await onChanged();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form" onSubmit={submit} data-testid="change-password-form" noValidate>
      <label className="field">
        <span>{t('password.current')}</span>
        <input type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} data-testid="current-password" />
      </label>
      <label className="field">
        <span>{t('password.new')}</span>
        <input type="password" autoComplete="new-password" required aria-describedby={rulesId} value={next} onChange={(e) => setNext(e.target.value)} data-testid="new-password-input" />
      </label>
      <p id={rulesId} className="hint">
        {t('password.rules')}
      </p>
      <label className="field">
        <span>{t('password.confirm')}</span>
        <input type="password" autoComplete="new-password" required value={repeated} onChange={(e) => setRepeated(e.target.value)} data-testid="repeat-password-input" />
      </label>
      {problem && (
        <p className="alert alert-error" role="alert">
          {t(`password.${problem}`)}
        </p>
      )}
      <ErrorMessage error={error} />
      {done && (
        <p className="alert alert-success" role="status" data-testid="password-changed">
          {t('password.changed')}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? t('password.submitting') : t('password.submit')}
        </button>
      </div>
    </form>
  );
}
