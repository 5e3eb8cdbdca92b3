/**
 * "Audit": the log with filters (principal, repository, digest, action, time range), paging,
 * CSV/JSON export of everything matching, and a chart of pulls and pushes per registry per day.
 */
import { type FormEvent, useState } from 'react';
import { call, urlOf } from '../api/client.ts';
import type { Responses } from '../api/responses.ts';
import { ErrorLine, Field, shortDigest, time, useLoad } from '../components/ui.tsx';

interface Filters {
  principal: string;
  repository: string;
  digest: string;
  action: string;
  since: string;
  until: string;
}

const EMPTY: Filters = { principal: '', repository: '', digest: '', action: '', since: '', until: '' };
const PER_PAGE = 25;

/** `since`/`until` from <input type="date">: the start of that day, UTC. */
function query(filters: Filters) {
  const day = (value: string, add = 0) =>
    value ? String(Date.parse(`${value}T00:00:00Z`) + add) : undefined;
  return {
    principal: filters.principal || undefined,
    repository: filters.repository || undefined,
    digest: filters.digest || undefined,
    action: filters.action || undefined,
    since: day(filters.since),
    until: day(filters.until, 86_400_000),
  };
}

export function AuditPage() {
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [page, setPage] = useState(1);
  const key = JSON.stringify([filters, page]);
  const entries = useLoad(
    () => call('getAudit', { query: { ...query(filters), page: String(page), per_page: String(PER_PAGE) } }),
    key,
  );
  const chartSince = filters.since ? query(filters).since : String(Date.now() - 13 * 86_400_000);
  const activity = useLoad(
    () => call('getAuditActivity', { query: { ...query(filters), since: chartSince, bucket: 'day' } }),
    `activity:${JSON.stringify(filters)}`,
  );
  const set = (name: keyof Filters) => (value: string) => setDraft((d) => ({ ...d, [name]: value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setFilters(draft);
    setPage(1);
  };
  const pages = entries.data ? Math.max(1, Math.ceil(entries.data.total / PER_PAGE)) : 1;
  return (
    <>
      <h1>Audit</h1>
      <section aria-labelledby="chart-title">
        <h2 id="chart-title">Pulls and pushes per day</h2>
        <ErrorLine error={activity.error} />
        {activity.data && <ActivityChart points={activity.data.points} since={Number(chartSince)} />}
      </section>
      <form onSubmit={submit} className="panel filters" aria-label="Filters">
        <Field label="Principal" value={draft.principal} onChange={set('principal')} />
        <Field label="Repository" value={draft.repository} onChange={set('repository')} />
        <Field label="Digest" value={draft.digest} onChange={set('digest')} />
        <Field label="Action" value={draft.action} onChange={set('action')} placeholder="pull, push, user." />
        <Field label="From" type="date" value={draft.since} onChange={set('since')} />
        <Field label="To" type="date" value={draft.until} onChange={set('until')} />
        <button type="submit">Apply filters</button>
      </form>
      <p className="exports">
        Export:{' '}
        <a
          href={urlOf('getAuditExport', { query: { ...query(filters), format: 'csv' } })}
          download="purser-audit.csv"
        >
          CSV
        </a>{' '}
        <a
          href={urlOf('getAuditExport', { query: { ...query(filters), format: 'json' } })}
          download="purser-audit.json"
        >
          JSON
        </a>
      </p>
      <ErrorLine error={entries.error} />
      {entries.data && (
        <>
          <table>
            <caption>
              {entries.data.total} entries, page {page} of {pages}
            </caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Action</th>
                <th scope="col">Principal</th>
                <th scope="col">Outcome</th>
                <th scope="col">Registry</th>
                <th scope="col">Repository</th>
                <th scope="col">Tag or digest</th>
                <th scope="col">Address</th>
              </tr>
            </thead>
            <tbody>
              {entries.data.entries.map((e) => (
                <tr key={e.id}>
                  <td>{time(e.time)}</td>
                  <td>{e.action}</td>
                  <td>{e.actor}</td>
                  <td>{e.outcome}</td>
                  <td>{e.service ?? '—'}</td>
                  <td>{e.repository ?? '—'}</td>
                  <td title={e.digest ?? undefined}>{e.tag ?? shortDigest(e.digest)}</td>
                  <td>{e.source_address ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <nav aria-label="Pages" className="paging">
            <button type="button" disabled={page <= 1} onClick={() => setPage((p) => p - 1)}>
              Previous page
            </button>
            <button type="button" disabled={page >= pages} onClick={() => setPage((p) => p + 1)}>
              Next page
            </button>
          </nav>
        </>
      )}
    </>
  );
}

type Point = Responses<'getAuditActivity'>['points'][number];

/** Bars per day: one colour per registry and action; the numbers are in the figure's description. */
function ActivityChart({ points, since }: { points: readonly Point[]; since: number }) {
  if (points.length === 0) return <p>No pulls or pushes in this period.</p>;
  // Every day from the first point to today, so that quiet days show as gaps.
  const firstPoint = Date.parse(`${points.map((p) => p.start.slice(0, 10)).sort()[0]}T00:00:00Z`);
  const first = Math.min(firstPoint, Date.parse(`${new Date(since).toISOString().slice(0, 10)}T00:00:00Z`));
  const days: string[] = [];
  for (let t = first; t <= Date.now() && days.length < 92; t += 86_400_000)
    days.push(new Date(t).toISOString().slice(0, 10));
  const series = [...new Set(points.map((p) => `${p.service} ${p.action}`))].sort();
  const count = (day: string, s: string) =>
    points
      .filter((p) => p.start.startsWith(day) && `${p.service} ${p.action}` === s)
      .reduce((n, p) => n + p.count, 0);
  const max = Math.max(1, ...days.flatMap((d) => series.map((s) => count(d, s))));
  const width = 640;
  const height = 200;
  const slot = width / days.length;
  const bar = Math.min(24, Math.max(2, (slot - 8) / series.length));
  const summary = days.map((d) => `${d}: ${series.map((s) => `${s} ${count(d, s)}`).join(', ')}`).join('; ');
  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${width} ${height + 20}`}
        role="img"
        aria-label={`Pulls and pushes per day. ${summary}`}
      >
        {days.map((d, i) =>
          series.map((s, j) => {
            const h = (count(d, s) / max) * height;
            return (
              <rect
                key={`${d}:${s}`}
                x={i * slot + 4 + j * bar}
                y={height - h}
                width={bar - 1}
                height={h}
                className={`series-${j % 6}`}
              >
                <title>{`${d} ${s}: ${count(d, s)}`}</title>
              </rect>
            );
          }),
        )}
        {days.map((d, i) => (
          <text key={d} x={i * slot + slot / 2} y={height + 15} textAnchor="middle" className="axis">
            {d.slice(5)}
          </text>
        ))}
      </svg>
      <figcaption>
        <ul className="legend">
          {series.map((s, j) => (
            <li key={s}>
              <span className={`swatch series-${j % 6}`} aria-hidden="true" /> {s}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
