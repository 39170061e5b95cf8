import { useState, type FormEvent } from 'react';
import { useAuth } from '../auth/auth';
import { ErrorMessage } from '../components/error-message';
import { PageTitle } from '../components/page-title';
import { useI18n } from '../i18n/i18n';

export function LoginPage({ sessionEnded, onSignedIn }: { sessionEnded: boolean; onSignedIn(): void }) {
  const { t } = useI18n();
  const { signIn } = useAuth();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(login.trim(), password);
      onSignedIn();
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  }

  return (
    <section className="card narrow" aria-labelledby="login-title">
      <PageTitle>{t('login.title')}</PageTitle>
      {sessionEnded && !error && (
        <p className="alert alert-info" role="status" data-testid="session-ended">
          {t('login.sessionEnded')}
        </p>
      )}
      <form className="form" onSubmit={submit} data-testid="login-form">
        <label className="field">
          <span>{t('login.login')}</span>
          <input
            name="login"
            autoComplete="username"
            required
            autoCapitalize="none"
            spellCheck={false}
            value={login}
            onChange={(e) => setLogin(e.target.value)}
            data-testid="login-input"
          />
        </label>
        <label className="field">
          <span>{t('login.password')}</span>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="password-input"
          />
        </label>
        <ErrorMessage error={error} testId="login-error" />
        <div className="actions">
          <button type="submit" className="button primary" disabled={busy} data-testid="login-submit">
            {busy ? t('login.submitting') : t('login.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
