import { findingOf, type Finding, type Outcome } from '../../../domain/preflight/finding.ts';
import type { ProbeResponse } from '../../../ports/http-probe.ts';
import { fmt, need, type PreflightCheck } from '../check.ts';

type Part = { outcome: Outcome; line: string };

function directives(csp: string): Map<string, string> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name = '', ...rest] = d.split(/\s+/);
        return [name.toLowerCase(), rest.join(' ')] as const;
      }),
  );
}

export function judgeHeaders(r: ProbeResponse, hstsMinSeconds: number): Part[] {
  if (r.status < 200 || r.status >= 300) {
    const where = r.headers.location ? ` to ${r.headers.location}` : '';
    return [{ outcome: 'fail', line: `answered ${r.status}${where}: point preflight.headers.url at the page itself` }];
  }
  const parts: Part[] = [];
  const csp = r.headers['content-security-policy'];
  if (!csp) parts.push({ outcome: 'fail', line: 'no Content-Security-Policy' });
  else {
    const d = directives(csp);
    const scripts = d.get('script-src') ?? d.get('default-src') ?? '';
    parts.push(/'nonce-[^']+'/.test(scripts) ? { outcome: 'pass', line: 'CSP script-src uses a nonce' } : { outcome: 'fail', line: 'CSP script-src has no nonce' });
    parts.push(
      d.has('report-uri') || d.has('report-to')
        ? { outcome: 'pass', line: `CSP reports to ${d.get('report-uri') || d.get('report-to')}` }
        : { outcome: 'fail', line: 'CSP has no report-uri or report-to' },
    );
  }
  const coep = r.headers['cross-origin-embedder-policy'];
  parts.push(coep === 'require-corp' || coep === 'credentialless' ? { outcome: 'pass', line: `COEP ${coep}` } : { outcome: 'fail', line: coep ? `COEP is "${coep}"` : 'no Cross-Origin-Embedder-Policy' });
  const coop = r.headers['cross-origin-opener-policy'];
  parts.push(coop === 'same-origin' ? { outcome: 'pass', line: `COOP ${coop}` } : { outcome: 'fail', line: coop ? `COOP is "${coop}", expected same-origin` : 'no Cross-Origin-Opener-Policy' });
  const hsts = r.headers['strict-transport-security'];
  const maxAge = Number(/max-age=(\d+)/i.exec(hsts ?? '')?.[1] ?? NaN);
  if (!hsts) parts.push({ outcome: 'fail', line: 'no Strict-Transport-Security' });
  else if (!(maxAge >= hstsMinSeconds)) parts.push({ outcome: 'fail', line: `HSTS max-age ${Number.isNaN(maxAge) ? 'missing' : maxAge} is below ${hstsMinSeconds}` });
  else parts.push({ outcome: 'pass', line: `HSTS max-age ${maxAge} (${fmt(maxAge / 86_400, 0)} days)` });
  return parts;
}

/** Check 5: nonce-based CSP with a report endpoint, COEP, COOP and HSTS on the platform URL. */
export const headersCheck: PreflightCheck = {
  id: 'headers',
  title: 'CSP/COEP headers',
  async run({ config, sources }): Promise<Finding> {
    const { probe, url } = need(sources.headers);
    const response = await probe.headers(url);
    return findingOf(judgeHeaders(response, config.preflight.headers.hstsMinMaxAge / 1000), 'nonce CSP with reports, COEP, COOP, HSTS');
  },
};
