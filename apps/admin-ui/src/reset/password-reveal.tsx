import { useEffect, useId, useRef, useState } from 'react';
import { useI18n } from '../i18n/i18n';

type CopyState = 'idle' | 'copied' | 'manual';

/** The new password, read-only and monospace (so 0/O and l/1 are told apart), with a Copy button. */
export function PasswordReveal({ password }: { password: string }) {
  const { t } = useI18n();
  const fieldId = useId();
  const field = useRef<HTMLInputElement>(null);
  const [copyState, setCopyState] = useState<CopyState>('idle');

  useEffect(() => {
    if (copyState !== 'copied') return;
    const timer = setTimeout(() => setCopyState('idle'), 4000);
    return () => clearTimeout(timer);
  }, [copyState]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(password);
      setCopyState('copied');
    } catch {
      // No Clipboard API (plain http) or permission refused: leave the text selected for Ctrl+C.
      field.current?.focus();
      field.current?.select();
      setCopyState('manual');
    }
  }

  return (
    <div className="password-reveal">
      <label htmlFor={fieldId}>{t('reset.newPassword')}</label>
      <div className="password-row">
        <input
          id={fieldId}
          ref={field}
          className="mono password-field"
          readOnly
          value={password}
          dir="ltr"
          spellCheck={false}
          autoComplete="off"
          onFocus={(event) => event.target.select()}
          data-testid="new-password"
        />
        <button
          type="button"
          className={`button${copyState === 'copied' ? ' is-done' : ''}`}
          onClick={copy}
          data-testid="copy-password"
          data-state={copyState}
        >
          {copyState === 'copied' ? `✓ ${t('reset.copied')}` : t('reset.copy')}
        </button>
      </div>
      <p className="visually-hidden" aria-live="polite">
        {copyState === 'copied' ? t('reset.copied') : ''}
      </p>
      {copyState === 'manual' && (
        <p className="hint" role="status">
          {t('reset.copyManually')}
        </p>
      )}
    </div>
  );
}
