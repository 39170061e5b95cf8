import { useState, type FormEvent } from 'react';
import * as api from '../api/endpoints';
import type { Locale, User } from '../api/types';
import { useAuth, useSignedInUser } from '../auth/auth';
import { ErrorMessage } from '../components/error-message';
import { PageTitle } from '../components/page-title';
import { PasswordChangeForm } from '../components/password-change-form';
import { SessionsTable } from '../components/sessions-table';
import { useResource } from '../components/use-resource';
import { useI18n } from '../i18n/i18n';

/**
 * One's own account. Deliberately no Reset Password button: the admin reset
 * is for other people's accounts; here it is Change password.
 */
export function ProfilePage() {
  const { t } = useI18n();
  const me = useSignedInUser();
  const sessions = useResource(() => api.fetchMySessions(), me.id);

  return (
    <section data-testid="profile-page">
      <PageTitle>{t('profile.title')}</PageTitle>
      <ProfileForm user={me} />
      <section className="card" aria-labelledby="change-password-heading">
        <h2 id="change-password-heading">{t('profile.changePassword')}</h2>
        {/* The API ends the other sessions after a change: show the list as it now is. */}
        <PasswordChangeForm onChanged={() => sessions.reload()} />
      </section>
      <section className="card" aria-labelledby="my-sessions-heading">
        <h2 id="my-sessions-heading">{t('profile.sessions')}</h2>
        <ErrorMessage error={sessions.error} />
        {sessions.data && <SessionsTable sessions={sessions.data} testId="my-sessions" />}
      </section>
    </section>
  );
}

function ProfileForm({ user }: { user: User }) {
  const { t } = useI18n();
  const { setUser } = useAuth();
  const [displayName, setDisplayName] = useState(user.displayName);
  const [locale, setLocale] = useState<Locale>(user.locale);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);

  async function save(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      setUser(await api.updateMe({ displayName: displayName.trim(), locale }));
      setSaved(true);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="profile-details-heading">
      <h2 id="profile-details-heading">{t('user.details')}</h2>
      <dl className="details">
        <dt>{t('user.username')}</dt>
        <dd dir="ltr" data-testid="profile-username">{user.username}</dd>
        <dt>{t('profile.email')}</dt>
        <dd dir="ltr">{user.email ?? t('common.none')}</dd>
      </dl>
      <p className="hint">{t('profile.emailByAdmin')}</p>
      <form className="form" onSubmit={save} data-testid="profile-form">
        <label className="field">
          <span>{t('user.displayName')}</span>
          <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} required dir="auto" data-testid="profile-display-name" />
        </label>
        <label className="field">
          <span>{t('user.locale')}</span>
          <select value={locale} onChange={(e) => setLocale(e.target.value as Locale)}>
            <option value="en">{t('locale.en')}</option>
            <option value="ar">{t('locale.ar')}</option>
          </select>
        </label>
        <ErrorMessage error={error} />
        {saved && (
          <p className="alert alert-success" role="status">
            {t('common.saved')}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? t('common.saving') : t('common.save')}
          </button>
        </div>
      </form>
    </section>
  );
}
