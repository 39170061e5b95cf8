import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import * as api from '../api/endpoints';
import type { Locale, PasswordReset, User } from '../api/types';
import { ErrorMessage } from '../components/error-message';
import { PageTitle } from '../components/page-title';
import { SessionsTable } from '../components/sessions-table';
import { useResource } from '../components/use-resource';
import { isValidEmail, normalizeEmail } from '../email-rule';
import { useI18n } from '../i18n/i18n';
import { CompletePendingResetAction, ResetPasswordAction } from '../reset/reset-password-action';
import { isCompletable } from '../reset/reset-to-complete';
import { Link, useLocation } from '../router/router';

export function UserPage({ userId }: { userId: string }) {
  const { t } = useI18n();
  const user = useResource(() => api.fetchUser(userId), userId);
  const sessions = useResource(() => api.fetchUserSessions(userId), userId);
  const resets = useResource(() => api.fetchPasswordResets(userId), userId);

  const reloadAll = useCallback(() => {
    void user.reload();
    void sessions.reload();
    void resets.reload();
  }, [user.reload, sessions.reload, resets.reload]);

  return (
    <section data-testid="user-page">
      <p>
        <Link to="/users">← {t('user.backToList')}</Link>
      </p>
      <PageTitle>{user.data ? user.data.displayName || user.data.username : t('app.loading')}</PageTitle>
      <ErrorMessage error={user.error} />
      {user.data && (
        <>
          <UserSummary user={user.data} onResetFinished={reloadAll} />
          <PendingResetNotice user={user.data} resets={resets.data ?? []} onFinished={reloadAll} />
          <UserEditForm user={user.data} onSaved={(saved) => user.setData(saved)} />
        </>
      )}

      <section className="card" aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">{t('user.sessions')}</h2>
        <ErrorMessage error={sessions.error} />
        {sessions.data &&
          (sessions.data.length ? (
            <SessionsTable sessions={sessions.data} testId="user-sessions" />
          ) : (
            <p className="empty" data-testid="user-sessions-empty">{t('user.noSessions')}</p>
          ))}
      </section>

      <section className="card" aria-labelledby="resets-heading">
        <h2 id="resets-heading">{t('user.resets')}</h2>
        <ErrorMessage error={resets.error} />
        {resets.data && <ResetHistory resets={resets.data} />}
      </section>
    </section>
  );
}

function UserSummary({ user, onResetFinished }: { user: User; onResetFinished(): void }) {
  const { t, formatDateTime } = useI18n();
  return (
    <section className="card" aria-labelledby="details-heading">
      <div className="card-header">
        <h2 id="details-heading">{t('user.details')}</h2>
        {user.actions.resetPassword && <ResetPasswordAction user={user} onFinished={onResetFinished} />}
      </div>
      <dl className="details">
        <dt>{t('user.username')}</dt>
        <dd dir="ltr" data-testid="user-username">{user.username}</dd>
        <dt>{t('user.type')}</dt>
        <dd>{t(`type.${user.type}`)}</dd>
        <dt>{t('user.roles')}</dt>
        <dd>{user.roles.map((role) => t(`role.${role}`)).join(', ') || t('common.none')}</dd>
        {user.type === 'parent' && (
          <>
            <dt>{t('user.iqama')}</dt>
            <dd>{user.hasIqama ? t('user.iqamaOnRecord', { last4: user.iqamaLast4 ?? '' }) : t('user.iqamaNone')}</dd>
          </>
        )}
        <dt>{t('user.createdAt')}</dt>
        <dd>{formatDateTime(user.createdAt)}</dd>
      </dl>
      {user.mustChangePassword && <p className="badge warning">{t('user.mustChange')}</p>}
    </section>
  );
}

function PendingResetNotice({ user, resets, onFinished }: { user: User; resets: PasswordReset[]; onFinished(): void }) {
  const { t, formatDateTime } = useI18n();
  // Newest first: only the latest can be pending, any older one was superseded.
  const pending = resets.find((reset) => isCompletable(reset));
  if (!pending || !user.actions.resetPassword) return null;
  return (
    <div className="alert alert-info notice" data-testid="pending-reset">
      <p>{t('user.pendingReset', { time: formatDateTime(pending.completeBy) })}</p>
      <CompletePendingResetAction user={user} reset={pending} onFinished={onFinished} />
    </div>
  );
}

function UserEditForm({ user, onSaved }: { user: User; onSaved(user: User): void }) {
  const { t } = useI18n();
  const location = useLocation();
  const emailHintId = useId();
  const emailCheckId = useId();
  const emailField = useRef<HTMLInputElement>(null);
  const [displayName, setDisplayName] = useState(user.displayName);
  const [email, setEmail] = useState(user.email ?? '');
  const [locale, setLocale] = useState<Locale>(user.locale);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<'saved' | 'unchanged' | null>(null);

  // Arriving from the reset popup's tip: the email is what needs fixing.
  const focusEmail = (location.state as { focus?: string } | null)?.focus === 'email';
  useEffect(() => {
    if (focusEmail) emailField.current?.focus();
  }, [focusEmail, user.id]);

  const trimmedEmail = normalizeEmail(email);
  const emailOk = trimmedEmail === '' || isValidEmail(trimmedEmail);

  function changes(): api.UserChanges {
    const result: api.UserChanges = {};
    if (displayName.trim() !== user.displayName) result.displayName = displayName.trim();
    const newEmail = trimmedEmail === '' ? null : trimmedEmail;
    if (newEmail !== (user.email ?? null)) result.email = newEmail;
    if (locale !== user.locale) result.locale = locale;
    return result;
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    setMessage(null);
    setError(null);
    if (!emailOk) {
      emailField.current?.focus();
      return;
    }
    const body = changes();
    if (Object.keys(body).length === 0) {
      setMessage('unchanged');
      return;
    }
    setBusy(true);
    try {
      const saved = await api.updateUser(user.id, body);
      onSaved(saved);
      setDisplayName(saved.displayName);
      setEmail(saved.email ?? '');
      setLocale(saved.locale);
      setMessage('saved');
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="edit-heading">
      <h2 id="edit-heading">{t('user.edit')}</h2>
      <form className="form" onSubmit={save} noValidate data-testid="user-edit-form">
        <label className="field">
          <span>{t('user.displayName')}</span>
          <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} required data-testid="display-name-input" dir="auto" />
        </label>
        <label className="field">
          <span>{t('user.email')}</span>
          <input
            ref={emailField}
            type="email"
            dir="ltr"
            autoComplete="off"
            spellCheck={false}
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            aria-invalid={!emailOk}
            aria-describedby={`${emailCheckId} ${emailHintId}`}
            data-testid="email-input"
          />
        </label>
        <p id={emailCheckId} className={emailOk ? 'hint' : 'field-error'} aria-live="polite" data-testid="email-check" data-valid={emailOk}>
          {!emailOk ? t('user.emailInvalid') : trimmedEmail ? t('user.emailValid') : ''}
        </p>
        <p id={emailHintId} className="hint">
          {t('user.emailHint')}
        </p>
        <label className="field">
          <span>{t('user.locale')}</span>
          <select value={locale} onChange={(e) => setLocale(e.target.value as Locale)} data-testid="locale-select">
            <option value="en">{t('locale.en')}</option>
            <option value="ar">{t('locale.ar')}</option>
          </select>
        </label>
        <ErrorMessage error={error} testId="user-save-error" />
        {message && (
          <p className={`alert ${message === 'saved' ? 'alert-success' : 'alert-info'}`} role="status" data-testid="user-save-status">
            {message === 'saved' ? t('common.saved') : t('user.nothingChanged')}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="button primary" disabled={busy} data-testid="user-save">
            {busy ? t('common.saving') : t('common.save')}
          </button>
        </div>
      </form>
    </section>
  );
}

function ResetHistory({ resets }: { resets: PasswordReset[] }) {
  const { t, formatDateTime } = useI18n();
  if (resets.length === 0) return <p className="empty">{t('user.noResets')}</p>;
  return (
    <div className="table-wrap">
      <table className="table" data-testid="reset-history">
        <thead>
          <tr>
            <th scope="col">{t('resetHistory.createdAt')}</th>
            <th scope="col">{t('resetHistory.performedBy')}</th>
            <th scope="col">{t('resetHistory.method')}</th>
            <th scope="col">{t('resetHistory.status')}</th>
            <th scope="col">{t('resetHistory.options')}</th>
            <th scope="col">{t('resetHistory.email')}</th>
          </tr>
        </thead>
        <tbody>
          {resets.map((reset) => (
            <tr key={reset.id} data-testid="reset-history-row" data-status={reset.status} data-delivery={reset.email.delivery}>
              <td>
                {formatDateTime(reset.createdAt)}
                <br />
                <Link className="small" to={`/audit?correlationId=${encodeURIComponent(reset.id)}`}>
                  {t('user.auditTrail')}
                </Link>
              </td>
              <td dir="ltr">{reset.performedBy.username}</td>
              <td>{t(`method.${reset.method}`)}</td>
              <td>{t(`status.${reset.status}`)}</td>
              <td>{resetOptions(reset, t)}</td>
              <td>
                <span className={`badge delivery-${reset.email.delivery}`}>{t(`delivery.${reset.email.delivery}`)}</span>
                {reset.email.address && reset.email.delivery !== 'not_requested' && (
                  <span dir="ltr" className="small block">
                    {reset.email.address}
                  </span>
                )}
                {reset.email.attempts > 0 && <span className="small block">{t('resetHistory.attempts', { count: reset.email.attempts })}</span>}
                {reset.email.lastError && (
                  <span className="small block is-warning" dir="ltr">
                    {reset.email.lastError}
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function resetOptions(reset: PasswordReset, t: ReturnType<typeof useI18n>['t']): string {
  const options: string[] = [];
  if (reset.requirePasswordChange) options.push(t('option.mustChange'));
  if (reset.sendEmail) options.push(t('option.emailSent'));
  if (reset.logoutSessions) options.push(t('option.sessionsEnded', { count: reset.sessionsRevoked ?? 0 }));
  return options.join(' · ') || t('common.none');
}
