/**
 * The periodic access report (`purser access report`, `GET /api/v1/access/report`): the
 * matrix of principals × namespaces × actions for one registry, dated, with the digest of the
 * access configuration and the signing key ids, and its CSV and HTML forms. The HTML page is
 * self-contained (inline style, no script, no external resource), readable offline.
 */
import type { MatrixRow } from '../policy/index.ts';

export interface GroupSummary {
  readonly group: string;
  /** Enabled members, by name. */
  readonly members: string[];
  /** What members get, with how many of them get it. */
  readonly namespaces: { namespace: string; actions: string[]; members: number }[];
}

export interface AccessReport {
  readonly registry: string;
  /** ISO date-time the matrix was computed at. */
  readonly generatedAt: string;
  readonly modelVersion: number;
  /** `sha256:<hex>` of the stored access configuration the matrix was computed from. */
  readonly configDigest: string;
  readonly mode: string;
  readonly signingKeys: { kid: string; state: string }[];
  /** Enabled principals considered (anonymous included). */
  readonly principals: number;
  readonly rows: MatrixRow[];
  readonly groups: GroupSummary[];
}

export type ReportFormat = 'csv' | 'json' | 'html';
export const REPORT_FORMATS: readonly ReportFormat[] = ['csv', 'json', 'html'];

export const REPORT_MEDIA_TYPES: Readonly<Record<ReportFormat, string>> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

export function renderReport(report: AccessReport, format: ReportFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'csv':
      return reportCsv(report);
    case 'html':
      return reportHtml(report);
  }
}

/** RFC 4180 fields; a leading `=`, `+`, `-` or `@` is quoted with `'` so spreadsheets do not run it. */
function csvField(value: string): string {
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function reportCsv(report: AccessReport): string {
  const lines = [
    `# purser access report for ${report.registry}, generated ${report.generatedAt}`,
    `# model version ${report.modelVersion}, config ${report.configDigest}, mode ${report.mode}`,
    `# signing keys: ${report.signingKeys.map((k) => `${k.kid} (${k.state})`).join(', ')}`,
    'kind,name,namespace,actions,granted_by',
    ...report.rows.map((r) =>
      [r.kind, r.name, r.namespace, r.actions.join(' '), r.grantedBy.join('; ')].map(csvField).join(','),
    ),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

export function reportHtml(report: AccessReport): string {
  const h = escapeHtml;
  const rows = report.rows
    .map(
      (r) =>
        `<tr><td>${h(r.kind)}</td><td>${h(r.name)}</td><td><code>${h(r.namespace)}</code></td><td>${h(r.actions.join(', '))}</td><td>${h(r.grantedBy.join('; '))}</td></tr>`,
    )
    .join('\n');
  const groups = report.groups
    .map(
      (
        g,
      ) => `<section><h3>Group ${h(g.group)} (${g.members.length} member${g.members.length === 1 ? '' : 's'})</h3>
<p>Members: ${h(g.members.join(', '))}</p>
<table><thead><tr><th>namespace</th><th>actions</th><th>members</th></tr></thead><tbody>
${g.namespaces.map((n) => `<tr><td><code>${h(n.namespace)}</code></td><td>${h(n.actions.join(', '))}</td><td>${n.members}</td></tr>`).join('\n')}
</tbody></table></section>`,
    )
    .join('\n');
  const keys = report.signingKeys.map((k) => `<code>${h(k.kid)}</code> (${h(k.state)})`).join(', ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Access report: ${h(report.registry)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #111; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #999; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #eee; }
dt { font-weight: bold; }
@media print { body { margin: 0; } }
</style>
</head>
<body>
<h1>Access report: ${h(report.registry)}</h1>
<dl>
<dt>Generated</dt><dd><time datetime="${h(report.generatedAt)}">${h(report.generatedAt)}</time></dd>
<dt>Configuration digest</dt><dd><code>${h(report.configDigest)}</code> (model version ${report.modelVersion}, mode ${h(report.mode)})</dd>
<dt>Signing keys</dt><dd>${keys}</dd>
<dt>Principals reviewed</dt><dd>${report.principals} (disabled principals and expired robots are left out)</dd>
</dl>
<h2>Per-group summaries</h2>
${groups || '<p>No group has enabled members.</p>'}
<h2>Matrix</h2>
<table>
<thead><tr><th>kind</th><th>name</th><th>namespace</th><th>actions</th><th>granted by</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</body>
</html>
`;
}
