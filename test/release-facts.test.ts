import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configuredReleaseFacts } from '../src/app/gonogo/sources.ts';
import { defaultConfig, type SparkConfig } from '../src/config/schema.ts';
import { SourceError } from '../src/ports/errors.ts';
import { tempDir } from './support/temp.ts';

const withSources = (gonogo: Partial<SparkConfig['gonogo']>): SparkConfig => {
  const c = defaultConfig();
  return { ...c, gonogo: { ...c.gonogo, ...gonogo } };
};

describe('CI status and coverage for the go/no-go', () => {
  const dir = tempDir('spark-release-facts-');
  const file = (name: string, body: string) => {
    writeFileSync(join(dir, name), body);
    return join(dir, name);
  };
  let base: string;
  const server = createServer((req, res) => {
    if (req.url === '/ci') res.writeHead(200, { 'content-type': 'application/json' }).end('{"state":"failure"}');
    else res.writeHead(503).end();
  });
  beforeAll(() => new Promise<void>((r) => server.listen(0, '127.0.0.1', () => ((base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`), r()))));
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('reads the shapes pipelines write: status, GitHub state, istanbul summary, a bare total', async () => {
    const facts = configuredReleaseFacts(withSources({ ci: file('ci.json', '{"status":"success"}'), coverage: file('cov.json', '{"total":{"lines":{"pct":96.4}}}') }), {});
    expect(await facts.ci()).toEqual({ green: true, said: 'success' });
    expect(await facts.coverage()).toBe(96.4);
    const fromUrl = configuredReleaseFacts(withSources({ ci: `${base}/ci`, coverage: file('cov2.json', '{"total": 91.2}') }), {});
    expect(await fromUrl.ci()).toEqual({ green: false, said: 'failure' });
    expect(await fromUrl.coverage()).toBe(91.2);
  });

  it('answers nothing when no source is configured: the item is then unknown, never a pass', async () => {
    const facts = configuredReleaseFacts(defaultConfig(), {});
    expect(await facts.ci()).toBeUndefined();
    expect(await facts.coverage()).toBeUndefined();
  });

  it('fails with the reason: an unset $NAME, a server error, a document of another shape', async () => {
    const facts = configuredReleaseFacts(withSources({ ci: '$SPARK_CI_URL', coverage: `${base}/down` }), {});
    await expect(facts.ci()).rejects.toThrow(new SourceError('gonogo.ci names $SPARK_CI_URL, which is not set'));
    await expect(facts.coverage()).rejects.toThrow(/answered HTTP 503/);
    const odd = configuredReleaseFacts(withSources({ ci: file('odd.json', '{"ok":true}'), coverage: file('bad.json', 'not json') }), {});
    await expect(odd.ci()).rejects.toThrow('the CI status has no "status", "state" or "conclusion"');
    await expect(odd.coverage()).rejects.toThrow(/is not JSON/);
  });
});
