import { useAuth } from '../auth/auth';
import { PageTitle } from '../components/page-title';
import { PasswordChangeForm } from '../components/password-change-form';
import { useI18n } from '../i18n/i18n';
import { navigate } from '../router/router';

/** Shown instead of everything else while the account must choose a new password. */
export function ChangePasswordPage({ forced }: { forced: boolean }) {
  const { t } = useI18n();
  const { reloadUser } = useAuth();
  return (
    <section className="card narrow" data-testid="change-password-page">
      <PageTitle>{forced ? t('forcedChange.title') : t('profile.changePassword')}</PageTitle>
      {forced && <p className="alert alert-info">{t('forcedChange.intro')}</p>}
      {/* The API lifts the gate on the same token at once; re-reading /auth/me lets the shell route on. */}
      <PasswordChangeForm
        onChanged={async () => {
          await reloadUser();
          if (forced) navigate('/', { replace: true });
        }}
      />
    </section>
  );
}
