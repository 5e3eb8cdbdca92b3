/**
 * Go `time.Duration` text, as the kubelet reads `cacheDuration` and `defaultCacheDuration`
 * (metav1.Duration → time.ParseDuration) and as Duration.String writes it (`6h0m0s`, `1m30s`,
 * `5s`, `0s`).
 */

const UNIT_NS: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  µs: 1e3, // U+00B5 micro sign
  μs: 1e3, // U+03BC Greek mu
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** time.ParseDuration, in milliseconds; throws on text Go would refuse. */
export function parseGoDuration(text: string): number {
  const fail = () => new Error(`time: invalid duration "${text}"`);
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw fail();
  let totalNs = 0;
  while (s !== '') {
    const match = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    const whole = match[1] ?? '';
    const fraction = match[2];
    if (whole === '' && (fraction === undefined || fraction === '')) throw fail();
    s = s.slice(match[0].length);
    const unit = /^[^\d.]+/.exec(s)?.[0];
    if (!unit) throw new Error(`time: missing unit in duration "${text}"`);
    const scale = UNIT_NS[unit];
    if (scale === undefined) throw new Error(`time: unknown unit "${unit}" in duration "${text}"`);
    s = s.slice(unit.length);
    totalNs += Number(whole || '0') * scale + (fraction ? Number(`0.${fraction}`) * scale : 0);
  }
  if (totalNs > 2 ** 63 - 1) throw new Error(`time: invalid duration "${text}"`);
  return (sign * totalNs) / 1e6;
}

/** Duration.String for a whole number of seconds (what a cache duration needs). */
export function formatGoDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) throw new TypeError('formatGoDuration: seconds must be >= 0');
  const total = Math.floor(seconds);
  if (total === 0) return '0s';
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}
