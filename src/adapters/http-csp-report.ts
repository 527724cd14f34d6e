/** Item 14's CSP report endpoint: a flood of reports as browsers send them, then one more to see it still answers. */
import type { CspReportEndpoint } from '../ports/redteam.ts';
import { withoutCredentials } from './http.ts';

const DEFAULT_TIMEOUT_MS = 10_000;

/** The body a browser POSTs for a `report-uri` violation. */
function report(origin: string, line: number): string {
  return JSON.stringify({
    'csp-report': {
      'document-uri': `${origin}/orders`,
      referrer: '',
      'violated-directive': 'script-src-elem',
      'effective-directive': 'script-src-elem',
      'original-policy': `default-src 'self'; script-src 'self' 'nonce-redteam'; report-uri ${origin}/api/csp-report`,
      disposition: 'enforce',
      'blocked-uri': 'inline',
      'line-number': line,
      'column-number': 1,
      'source-file': `${origin}/orders`,
      'status-code': 200,
      'script-sample': '',
    },
  });
}

export function httpCspReport(target: string, opts: { timeoutMs?: number } = {}): CspReportEndpoint {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    async flood(n) {
      const { url, authorization } = withoutCredentials(target, 'the CSP report URL');
      const headers: Record<string, string> = { 'content-type': 'application/csp-report' };
      if (authorization) headers.authorization = authorization;
      const send = async (line: number) => {
        const res = await fetch(url, { method: 'POST', headers, body: report(url.origin, line), signal: AbortSignal.timeout(timeoutMs) });
        await res.arrayBuffer();
        return res.status;
      };
      const settled = await Promise.allSettled(Array.from({ length: n }, (_, i) => send(i + 1)));
      const statuses: Record<number, number> = {};
      let errors = 0;
      for (const s of settled) {
        if (s.status === 'fulfilled') statuses[s.value] = (statuses[s.value] ?? 0) + 1;
        else errors++;
      }
      // Rate-limited is still up; a 5xx or no answer is not.
      const upAfter = await send(n + 1).then((status) => status < 500, () => false);
      return { statuses, errors, upAfter };
    },
  };
}
