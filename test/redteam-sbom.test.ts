import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { cyclonedxSbom } from '../src/adapters/cyclonedx-sbom.ts';
import { runRedteamCheck } from '../src/app/redteam/check.ts';
import { sbomCheck } from '../src/app/redteam/checks/sbom.ts';
import { configuredRedteamSources } from '../src/app/redteam/sources.ts';
import { configSchema } from '../src/config/schema.ts';
import { SourceError } from '../src/ports/errors.ts';
import { tempDir } from './support/temp.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/sbom/${name}.cdx.json`, import.meta.url));
const PREVIOUS = fixture('previous');

function check(current: string, previous = PREVIOUS) {
  const config = configSchema.parse({ redteam: { sbom: { previous, current: '$SPARK_SBOM' } } });
  const sources = configuredRedteamSources(config, { SPARK_SBOM: current });
  return runRedteamCheck(sbomCheck, { version: 'v1.4.0', now: () => new Date(), config, sources });
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => (s.closeAllConnections(), s.close(resolve)))));
});

describe('item 15 against CycloneDX 1.5 SBOMs', () => {
  it('fails a new GPL-3.0-only component, with the whole diff as evidence', async () => {
    const f = await check(fixture('current-gpl'));
    expect(f.outcome).toBe('fail');
    expect(f.summary).toBe('added fix-protocol-codec 1.0.0 (GPL-3.0-only): new denied licence (GPL-3.0-only matches GPL-*)');
    expect(f.lines).toEqual([
      'FAIL  added fix-protocol-codec 1.0.0 (GPL-3.0-only): new denied licence (GPL-3.0-only matches GPL-*)',
      'ok    version pg 8.12.0 → 8.13.1',
    ]);
    expect(f.data).toEqual({
      added: [{ name: 'fix-protocol-codec', version: '1.0.0', purl: 'pkg:npm/fix-protocol-codec@1.0.0', licenses: ['GPL-3.0-only'] }],
      removed: [],
      versionChanged: [{ name: 'pg', from: '8.12.0', to: '8.13.1' }],
      licenceChanged: [],
    });
  });

  it('passes a release whose changes are all MIT, reading nested components, groups and licence names', async () => {
    const f = await check(fixture('current-mit'));
    expect(f.outcome).toBe('pass');
    expect(f.summary).toBe('no new denied licence in 8 components; 2 added, 1 removed, 2 versions changed, 0 licences changed');
    expect(f.lines).toEqual([
      'ok    added p-retry 6.2.1 (MIT)',
      'ok    added pino-abstract-transport 2.0.0 (MIT AND Apache-2.0)',
      'ok    removed left-pad 1.3.0 (WTFPL)',
      'ok    version decimal.js 10.4.3 → 10.6.0',
      'ok    version avvio 8.3.2 → 8.4.0',
    ]);
  });

  it('warns of a new component offered under MIT OR GPL-2.0-only', async () => {
    const f = await check(fixture('current-choice'));
    expect(f.outcome).toBe('warn');
    expect(f.lines).toEqual([
      'WARN  added bist-holidays 1.2.0 (MIT OR GPL-2.0-only): offers a denied licence (GPL-2.0-only matches GPL-*); take it under an allowed alternative',
    ]);
  });

  it('reads the components as the library spells them: groups joined, nested ones flattened, SPDX ids canonical', async () => {
    const { previous } = await cyclonedxSbom({ previous: PREVIOUS, current: PREVIOUS }).read();
    expect(previous.map((c) => c.name)).toEqual(['decimal.js', '@prisma/client', 'fastify', 'avvio', 'pg', 'ws', 'left-pad']);
    // `ws` names its licence "MIT" rather than giving the id: the same licence, so no change when the next SBOM gives the id.
    expect(previous.find((c) => c.name === 'ws')?.licenses).toEqual(['MIT']);
  });

  it('reads an SBOM from an http URL', async () => {
    const body = await readFile(fixture('current-gpl'), 'utf8');
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const f = await check(`http://127.0.0.1:${(server.address() as AddressInfo).port}/sbom/v1.4.0.cdx.json`);
    expect(f.outcome).toBe('fail');
    expect(f.lines).toHaveLength(2);
  });

  it('fails with the reason on a missing file, a document that is not CycloneDX, or an unknown spec version', async () => {
    const dir = tempDir('spark-sbom-');
    const write = async (name: string, doc: unknown) => {
      const path = join(dir, name);
      await writeFile(path, typeof doc === 'string' ? doc : JSON.stringify(doc));
      return path;
    };
    const missing = join(dir, 'nope.cdx.json');
    await expect(cyclonedxSbom({ previous: missing, current: PREVIOUS }).read()).rejects.toThrow(new SourceError(`the previous SBOM file ${missing} cannot be read: ENOENT`));
    const spdx = await write('spdx.json', { spdxVersion: 'SPDX-2.3', packages: [] });
    await expect(cyclonedxSbom({ previous: PREVIOUS, current: spdx }).read()).rejects.toThrow(`the current SBOM ${spdx} is not a CycloneDX JSON BOM: bomFormat: expected "CycloneDX"`);
    const future = await write('future.json', { bomFormat: 'CycloneDX', specVersion: '9.9', components: [] });
    await expect(cyclonedxSbom({ previous: PREVIOUS, current: future }).read()).rejects.toThrow(/specVersion: expected a CycloneDX version this reader knows \(1\.7, 1\.6, 1\.5/);
    const noName = await write('no-name.json', { bomFormat: 'CycloneDX', specVersion: '1.5', components: [{ type: 'library', version: '1' }] });
    await expect(cyclonedxSbom({ previous: PREVIOUS, current: noName }).read()).rejects.toThrow(/components\.0\.name: /);
    const notJson = await write('broken.json', '{');
    await expect(cyclonedxSbom({ previous: PREVIOUS, current: notJson }).read()).rejects.toThrow(`the current SBOM ${notJson} is not JSON`);
  });
});
