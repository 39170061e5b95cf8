import { useState, type FormEvent, type MouseEvent } from 'react';
// The API's own closed list of actions (naming any other is a 400), bundled into the page like the email rule.
import { AUDIT_ACTIONS } from '../../../../libs/audit/src/domain/audit-actions';
import { apiUrl } from '../api/client';
import * as api from '../api/endpoints';
import type { AuditEvent } from '../api/types';
import { ErrorMessage } from '../components/error-message';
import { PageTitle } from '../components/page-title';
import { useResource } from '../components/use-resource';
import { useI18n } from '../i18n/i18n';
import { Link, navigate, useLocation } from '../router/router';

const PAGE_SIZE = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface AuditFilters {
  action: string[];
  actorId: string;
  targetId: string;
  correlationId: string;
  from: string; // ISO
  to: string; // ISO
}

// Filters live in the URL, so a filtered view can be bookmarked or linked (the user page links by reset id).
function filtersFromSearch(search: string): AuditFilters {
  const params = new URLSearchParams(search);
  return {
    action: params.getAll('action'),
    actorId: params.get('actorId') ?? '',
    targetId: params.get('targetId') ?? '',
    correlationId: params.get('correlationId') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
  };
}

function searchFromFilters(filters: AuditFilters): string {
  const params = new URLSearchParams();
  for (const action of filters.action) params.append('action', action);
  for (const key of ['actorId', 'targetId', 'correlationId', 'from', 'to'] as const) {
    if (filters[key]) params.set(key, filters[key]);
  }
  const search = params.toString();
  return search ? `?${search}` : '';
}

function toQuery(filters: AuditFilters): api.AuditQuery {
  return {
    action: filters.action.length ? filters.action : undefined,
    actorId: filters.actorId || undefined,
    targetId: filters.targetId || undefined,
    correlationId: filters.correlationId || undefined,
    from: filters.from || undefined,
    to: filters.to || undefined,
  };
}

/** <input type="datetime-local"> speaks local time without a zone; the API speaks UTC ISO. */
function isoToLocalInput(iso: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

function localInputToIso(value: string): string {
  return value ? new Date(value).toISOString() : '';
}

export function AuditPage() {
  const { t } = useI18n();
  const location = useLocation();
  const filters = filtersFromSearch(location.search);
  const [cursors, setCursors] = useState<{ search: string; stack: (string | null)[] }>({ search: location.search, stack: [null] });
  // A new filter starts again at the first page.
  const stack = cursors.search === location.search ? cursors.stack : [null];
  const cursor = stack[stack.length - 1];

  const events = useResource(
    () => api.listAuditEvents({ ...toQuery(filters), limit: PAGE_SIZE, cursor }),
    `${location.search}|${cursor}`,
  );

  return (
    <section data-testid="audit-page">
      <PageTitle>{t('audit.title')}</PageTitle>
      <AuditFilterForm key={location.search} initial={filters} onApply={(next) => navigate(`/audit${searchFromFilters(next)}`)} />
      <CsvDownload filters={filters} />
      <ErrorMessage error={events.error} />
      {events.data && <AuditTable events={events.data.items} busy={events.loading} />}
      <nav className="pager" aria-label={t('audit.title')}>
        <button
          type="button"
          className="button"
          disabled={stack.length === 1 || events.loading}
          onClick={() => setCursors({ search: location.search, stack: [null] })}
          data-testid="audit-first-page"
        >
          {t('common.firstPage')}
        </button>
        <button
          type="button"
          className="button"
          disabled={!events.data?.nextCursor || events.loading}
          onClick={() => {
            const next = events.data?.nextCursor;
            if (next) setCursors({ search: location.search, stack: [...stack, next] });
          }}
          data-testid="audit-next-page"
        >
          {t('common.nextPage')}
        </button>
      </nav>
    </section>
  );
}

function AuditFilterForm({ initial, onApply }: { initial: AuditFilters; onApply(filters: AuditFilters): void }) {
  const { t } = useI18n();
  const [actions, setActions] = useState<string[]>(initial.action);
  const [actorId, setActorId] = useState(initial.actorId);
  const [targetId, setTargetId] = useState(initial.targetId);
  const [correlationId, setCorrelationId] = useState(initial.correlationId);
  const [from, setFrom] = useState(isoToLocalInput(initial.from));
  const [to, setTo] = useState(isoToLocalInput(initial.to));

  const badId = (value: string) => value.trim() !== '' && !UUID.test(value.trim());
  const invalid = [actorId, targetId, correlationId].some(badId);

  function apply(event: FormEvent) {
    event.preventDefault();
    if (invalid) return;
    onApply({
      action: AUDIT_ACTIONS.filter((known) => actions.includes(known)),
      actorId: actorId.trim(),
      targetId: targetId.trim(),
      correlationId: correlationId.trim(),
      from: localInputToIso(from),
      to: localInputToIso(to),
    });
  }

  const idField = (label: string, value: string, set: (value: string) => void, testId: string) => (
    <label className="field">
      <span>{label}</span>
      <input value={value} onChange={(e) => set(e.target.value)} dir="ltr" spellCheck={false} aria-invalid={badId(value)} data-testid={testId} />
      {badId(value) && <span className="field-error">{t('audit.invalidId')}</span>}
    </label>
  );

  return (
    <form className="filters card" onSubmit={apply} aria-label={t('audit.filters')} data-testid="audit-filters">
      <fieldset className="action-choices" data-testid="audit-actions">
        <legend>{t('audit.action')}</legend>
        <p className="hint">{t('audit.actionHint')}</p>
        {AUDIT_ACTIONS.map((known) => (
          <label key={known} className="checkbox">
            <input
              type="checkbox"
              checked={actions.includes(known)}
              onChange={(e) => setActions((chosen) => (e.target.checked ? [...chosen, known] : chosen.filter((item) => item !== known)))}
              data-testid={`audit-action-${known}`}
            />
            <code dir="ltr">{known}</code>
          </label>
        ))}
      </fieldset>
      {idField(t('audit.actorId'), actorId, setActorId, 'audit-actor')}
      {idField(t('audit.targetId'), targetId, setTargetId, 'audit-target')}
      {idField(t('audit.correlationId'), correlationId, setCorrelationId, 'audit-correlation')}
      <label className="field">
        <span>{t('audit.from')}</span>
        <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="audit-from" />
      </label>
      <label className="field">
        <span>{t('audit.to')}</span>
        <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} data-testid="audit-to" />
      </label>
      <div className="actions">
        <button type="submit" className="button primary" disabled={invalid} data-testid="audit-apply">
          {t('audit.apply')}
        </button>
        <button type="button" className="button" onClick={() => navigate('/audit')} data-testid="audit-clear">
          {t('audit.clear')}
        </button>
      </div>
    </form>
  );
}

/** A real link to the CSV, but the API wants the bearer token, so a click fetches it and saves the blob. */
function CsvDownload({ filters }: { filters: AuditFilters }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const query = toQuery(filters);

  async function download(event: MouseEvent<HTMLAnchorElement>) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const blob = await api.downloadAuditCsv(query);
      const url = URL.createObjectURL(blob);
      const anchor = document.createElement('a');
      anchor.href = url;
      anchor.download = `audit-events-${new Date().toISOString().replace(/[:.]/g, '-')}.csv`;
      document.body.append(anchor);
      anchor.click();
      anchor.remove();
      // Give the browser time to start the download before the URL dies.
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="csv-download">
      <a className="button" href={apiUrl('/audit/events', { ...query, format: 'csv' })} onClick={download} data-testid="audit-csv" aria-busy={busy}>
        {busy ? t('audit.csvWorking') : t('audit.csv')}
      </a>
      <ErrorMessage error={error} testId="audit-csv-error" />
    </div>
  );
}

function AuditTable({ events, busy }: { events: AuditEvent[]; busy: boolean }) {
  const { t, formatDateTime } = useI18n();
  if (events.length === 0) return <p className="empty">{t('audit.empty')}</p>;
  return (
    <div className="table-wrap">
      <table className="table" aria-busy={busy} data-testid="audit-table">
        <thead>
          <tr>
            <th scope="col">{t('audit.col.time')}</th>
            <th scope="col">{t('audit.col.action')}</th>
            <th scope="col">{t('audit.col.actor')}</th>
            <th scope="col">{t('audit.col.target')}</th>
            <th scope="col">{t('audit.col.ip')}</th>
            <th scope="col">{t('audit.col.details')}</th>
            <th scope="col">{t('audit.col.correlation')}</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={event.id} data-testid="audit-row" data-action={event.action}>
              <td title={event.occurredAt}>{formatDateTime(event.occurredAt)}</td>
              <td dir="ltr">
                <code>{event.action}</code>
              </td>
              <td dir="ltr">{event.actor?.username ?? t('common.none')}</td>
              <td dir="ltr">{event.target?.username ?? t('common.none')}</td>
              <td dir="ltr">{event.ip ?? t('common.none')}</td>
              <td dir="ltr">
                <code className="details-json">{event.details ? JSON.stringify(event.details) : t('common.none')}</code>
              </td>
              <td dir="ltr">
                {event.correlationId ? (
                  // Everything that followed from one reset shares its id: one click shows that story.
                  <Link to={`/audit?correlationId=${encodeURIComponent(event.correlationId)}`} title={event.correlationId}>
                    <code>{event.correlationId.slice(0, 8)}</code>
                  </Link>
                ) : (
                  t('common.none')
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
