import { useEffect, type ReactNode } from 'react';
import type { User } from './api/types';
import { hasRole, useAuth } from './auth/auth';
import { LanguageSwitch } from './components/language-switch';
import { PageTitle } from './components/page-title';
import { useI18n } from './i18n/i18n';
import { AuditPage } from './pages/audit-page';
import { ChangePasswordPage } from './pages/change-password-page';
import { LoginPage } from './pages/login-page';
import { ProfilePage } from './pages/profile-page';
import { UserPage } from './pages/user-page';
import { UsersPage } from './pages/users-page';
import { Link, matchPath, navigate, useLocation } from './router/router';

/** Where each kind of account starts: admins at User Management, auditors at the audit trail, others at their profile. */
function homePath(user: User): string {
  if (hasRole(user, 'admin')) return '/users';
  if (hasRole(user, 'auditor')) return '/audit';
  return '/profile';
}

function Redirect({ to, state }: { to: string; state?: unknown }) {
  useEffect(() => navigate(to, { replace: true, state }), [to, state]);
  return null;
}

export function App() {
  const { state } = useAuth();
  const { t } = useI18n();
  const location = useLocation();

  if (state.status === 'loading') {
    return <p className="loading" role="status">{t('app.loading')}</p>;
  }

  if (state.status === 'signed-out') {
    const from = (location.state as { from?: string } | null)?.from;
    if (location.pathname !== '/login') {
      return <Redirect to="/login" state={{ from: location.pathname + location.search }} />;
    }
    return (
      <Shell user={null}>
        <LoginPage sessionEnded={state.sessionEnded} onSignedIn={() => navigate(from && from !== '/login' ? from : '/', { replace: true })} />
      </Shell>
    );
  }

  const user = state.user;
  if (user.mustChangePassword) {
    if (location.pathname !== '/change-password') return <Redirect to="/change-password" />;
    return (
      <Shell user={user}>
        <ChangePasswordPage forced />
      </Shell>
    );
  }

  return (
    <Shell user={user}>
      <Routes user={user} pathname={location.pathname} />
    </Shell>
  );
}

function Routes({ user, pathname }: { user: User; pathname: string }) {
  const { t } = useI18n();
  if (pathname === '/' || pathname === '/login') return <Redirect to={homePath(user)} />;

  const isAdmin = hasRole(user, 'admin');
  const canAudit = hasRole(user, 'admin', 'auditor');
  const noAccess = <Message text={t('common.noAccess')} />;

  if (matchPath('/users', pathname)) return isAdmin ? <UsersPage /> : noAccess;
  const userRoute = matchPath('/users/:id', pathname);
  // Keyed by id so moving between users starts each page fresh.
  if (userRoute) return isAdmin ? <UserPage key={userRoute.id} userId={userRoute.id} /> : noAccess;
  if (matchPath('/audit', pathname)) return canAudit ? <AuditPage /> : noAccess;
  if (matchPath('/profile', pathname)) return <ProfilePage />;
  if (matchPath('/change-password', pathname)) return <ChangePasswordPage forced={false} />;
  return <Message text={t('common.notFoundPage')} />;
}

function Message({ text }: { text: string }) {
  const { t } = useI18n();
  return (
    <section className="card narrow">
      <PageTitle>{text}</PageTitle>
      <Link to="/">{t('common.goHome')}</Link>
    </section>
  );
}

function Shell({ user, children }: { user: User | null; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="topbar">
        <span className="brand">{t('app.name')}</span>
        {user && !user.mustChangePassword && <MainNav user={user} />}
        <div className="topbar-end">
          <LanguageSwitch />
          {user && <AccountMenu user={user} />}
        </div>
      </header>
      <main id="main" className="main">
        {children}
      </main>
    </>
  );
}

function MainNav({ user }: { user: User }) {
  const { t } = useI18n();
  const { pathname } = useLocation();
  const items = [
    hasRole(user, 'admin') && { to: '/users', label: t('nav.users'), testId: 'nav-users' },
    hasRole(user, 'admin', 'auditor') && { to: '/audit', label: t('nav.audit'), testId: 'nav-audit' },
    { to: '/profile', label: t('nav.profile'), testId: 'nav-profile' },
  ].filter((item): item is { to: string; label: string; testId: string } => !!item);

  return (
    <nav aria-label={t('nav.main')} className="main-nav">
      {items.map((item) => {
        const current = pathname === item.to || pathname.startsWith(`${item.to}/`);
        return (
          <Link key={item.to} to={item.to} aria-current={current ? 'page' : undefined} data-testid={item.testId}>
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}

function AccountMenu({ user }: { user: User }) {
  const { t } = useI18n();
  const { signOut } = useAuth();
  return (
    <>
      <span className="muted signed-in-as" data-testid="signed-in-as">
        {t('nav.signedInAs', { username: user.username })}
      </span>
      <button
        type="button"
        className="button link-like"
        onClick={async () => {
          await signOut();
          navigate('/login', { replace: true });
        }}
        data-testid="sign-out"
      >
        {t('nav.signOut')}
      </button>
    </>
  );
}
