import type { Session } from '../api/types';
import { useI18n } from '../i18n/i18n';

export function SessionsTable({ sessions, testId }: { sessions: Session[]; testId: string }) {
  const { t, formatDateTime } = useI18n();
  return (
    <div className="table-wrap">
      <table className="table" data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">{t('session.createdAt')}</th>
            <th scope="col">{t('session.lastUsedAt')}</th>
            <th scope="col">{t('session.expiresAt')}</th>
            <th scope="col">{t('session.ip')}</th>
            <th scope="col">{t('session.userAgent')}</th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((session) => (
            <tr key={session.id}>
              <td>
                {formatDateTime(session.createdAt)}
                {session.current && <span className="badge">{t('session.current')}</span>}
              </td>
              <td>{formatDateTime(session.lastUsedAt)}</td>
              <td>{formatDateTime(session.expiresAt)}</td>
              <td dir="ltr">{session.ip ?? t('common.none')}</td>
              <td className="user-agent" dir="ltr" title={session.userAgent ?? undefined}>
                {session.userAgent ?? t('common.none')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
