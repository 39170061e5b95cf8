import { useEffect, useState } from 'react';
import * as api from '../api/endpoints';
import { USER_TYPES, type User, type UserType } from '../api/types';
import { useSignedInUser } from '../auth/auth';
import { ErrorMessage } from '../components/error-message';
import { PageTitle } from '../components/page-title';
import { useResource } from '../components/use-resource';
import { useI18n } from '../i18n/i18n';
import { ResetPasswordAction } from '../reset/reset-password-action';
import { Link } from '../router/router';

const PAGE_SIZE = 25;
const SEARCH_DELAY_MS = 250;

/** Keyset paging: the cursors of the pages already seen make "Previous page" possible. */
function usePaging() {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  return {
    cursor: cursors[cursors.length - 1],
    pageNumber: cursors.length,
    next: (nextCursor: string) => setCursors((seen) => [...seen, nextCursor]),
    previous: () => setCursors((seen) => (seen.length > 1 ? seen.slice(0, -1) : seen)),
    restart: () => setCursors([null]),
  };
}

export function UsersPage() {
  const { t } = useI18n();
  const [searchInput, setSearchInput] = useState('');
  const [search, setSearch] = useState('');
  const [type, setType] = useState<UserType | ''>('');
  const paging = usePaging();

  // Wait for a pause in typing instead of asking the API at every keystroke.
  useEffect(() => {
    const timer = setTimeout(() => {
      setSearch(searchInput.trim());
      paging.restart();
    }, SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [searchInput]);

  const users = useResource(
    () => api.listUsers({ search, type, limit: PAGE_SIZE, cursor: paging.cursor }),
    JSON.stringify([search, type, paging.cursor]),
  );

  return (
    <section data-testid="users-page">
      <PageTitle>{t('users.title')}</PageTitle>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label className="field">
          <span>{t('users.search')}</span>
          <input
            type="search"
            value={searchInput}
            placeholder={t('users.searchPlaceholder')}
            onChange={(e) => setSearchInput(e.target.value)}
            data-testid="users-search"
          />
        </label>
        <label className="field">
          <span>{t('users.type')}</span>
          <select
            value={type}
            onChange={(e) => {
              setType(e.target.value as UserType | '');
              paging.restart();
            }}
            data-testid="users-type-filter"
          >
            <option value="">{t('users.allTypes')}</option>
            {USER_TYPES.map((userType) => (
              <option key={userType} value={userType}>
                {t(`type.${userType}`)}
              </option>
            ))}
          </select>
        </label>
      </form>

      <ErrorMessage error={users.error} />
      {users.data && (
        <UsersTable users={users.data.items} busy={users.loading} onResetFinished={() => void users.reload()} />
      )}

      <nav className="pager" aria-label={t('users.title')}>
        <button type="button" className="button" disabled={paging.pageNumber === 1 || users.loading} onClick={paging.previous} data-testid="users-previous-page">
          {t('common.previousPage')}
        </button>
        <button
          type="button"
          className="button"
          disabled={!users.data?.nextCursor || users.loading}
          onClick={() => users.data?.nextCursor && paging.next(users.data.nextCursor)}
          data-testid="users-next-page"
        >
          {t('common.nextPage')}
        </button>
      </nav>
    </section>
  );
}

function UsersTable({ users, busy, onResetFinished }: { users: User[]; busy: boolean; onResetFinished(): void }) {
  const { t } = useI18n();
  const me = useSignedInUser();
  if (users.length === 0) return <p className="empty">{t('users.empty')}</p>;
  return (
    <div className="table-wrap">
      <table className="table" aria-busy={busy} data-testid="users-table">
        <thead>
          <tr>
            <th scope="col">{t('users.col.username')}</th>
            <th scope="col">{t('users.col.displayName')}</th>
            <th scope="col">{t('users.col.email')}</th>
            <th scope="col">{t('users.col.type')}</th>
            <th scope="col">{t('users.col.roles')}</th>
            <th scope="col">{t('users.col.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <tr key={user.id} data-testid={`user-row-${user.username}`}>
              <th scope="row">
                <Link to={`/users/${encodeURIComponent(user.id)}`} data-testid="user-link">
                  {user.username}
                </Link>
                {user.id === me.id && <span className="badge">{t('users.you')}</span>}
              </th>
              <td dir="auto">{user.displayName}</td>
              <td>
                <EmailCell user={user} />
              </td>
              <td>{t(`type.${user.type}`)}</td>
              <td>{user.roles.map((role) => t(`role.${role}`)).join(', ') || t('common.none')}</td>
              <td>{user.actions.resetPassword && <ResetPasswordAction user={user} onFinished={onResetFinished} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function EmailCell({ user }: { user: User }) {
  const { t } = useI18n();
  if (!user.email) return <span className="muted">{t('users.emailMissing')}</span>;
  return (
    <span dir="ltr">
      {user.email}
      {!user.emailValid && <span className="badge warning">{t('users.emailInvalid')}</span>}
    </span>
  );
}
