/**
 * Item 15: two CycloneDX JSON SBOMs, each read from a file or an http(s) URL.
 *
 * The CycloneDX library builds, serialises and validates BOMs but has no parser, so the JSON is read here with a
 * schema for the part the check needs (components, nested ones too, and their licences). The library still decides
 * which spec versions are known and spells SPDX ids canonically, so `mit` in one SBOM and `MIT` in the next is no change.
 */
import { SPDX, Spec } from '@cyclonedx/cyclonedx-library';
import { z } from 'zod';
import { SourceError } from '../ports/errors.ts';
import type { Component, SbomSource } from '../ports/redteam.ts';
import { readJsonDocument } from './json-document.ts';

const DEFAULT_TIMEOUT_MS = 10_000;

const licenceChoice = z.union([
  z.object({
    license: z.object({ id: z.string().min(1).optional(), name: z.string().min(1).optional() }).refine((l) => l.id ?? l.name, { error: 'expected an id or a name' }),
  }),
  z.object({ expression: z.string().min(1) }),
]);

interface RawComponent {
  group?: string | undefined;
  name: string;
  version?: string | undefined;
  purl?: string | undefined;
  licenses?: z.infer<typeof licenceChoice>[] | undefined;
  components?: RawComponent[] | undefined;
}

const component: z.ZodType<RawComponent> = z.lazy(() =>
  z.object({
    group: z.string().optional(),
    name: z.string().min(1),
    version: z.string().optional(),
    purl: z.string().optional(),
    licenses: z.array(licenceChoice).optional(),
    components: z.array(component).optional(),
  }),
);

const bom = z.object({
  bomFormat: z.literal('CycloneDX', { error: 'expected "CycloneDX"' }),
  specVersion: z.string().refine((v) => Object.hasOwn(Spec.SpecVersionDict, v), {
    error: `expected a CycloneDX version this reader knows (${Object.keys(Spec.SpecVersionDict).join(', ')})`,
  }),
  components: z.array(component).optional(),
});

const canonical = (id: string) => SPDX.fixupSpdxId(id) ?? id;

function flatten(raw: RawComponent[]): Component[] {
  return raw.flatMap((c) => [
    {
      name: c.group ? `${c.group}/${c.name}` : c.name,
      version: c.version ?? '',
      ...(c.purl ? { purl: c.purl } : {}),
      licenses: (c.licenses ?? []).map((l) => ('expression' in l ? l.expression : canonical(l.license.id ?? l.license.name ?? ''))),
    },
    ...flatten(c.components ?? []),
  ]);
}

const problems = (error: z.ZodError) =>
  error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : 'the document'}: ${i.message}`)
    .join('; ');

async function load(which: string, location: string, timeoutMs: number): Promise<Component[]> {
  const json = await readJsonDocument(location, `the ${which} SBOM`, timeoutMs);
  const where = /^https?:\/\//i.test(location) ? new URL(location).pathname : location;
  const parsed = bom.safeParse(json);
  if (!parsed.success) throw new SourceError(`the ${which} SBOM ${where} is not a CycloneDX JSON BOM: ${problems(parsed.error)}`);
  return flatten(parsed.data.components ?? []);
}

export function cyclonedxSbom(locations: { previous: string; current: string }, opts: { timeoutMs?: number } = {}): SbomSource {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    async read() {
      const [previous, current] = await Promise.all([load('previous', locations.previous, timeoutMs), load('current', locations.current, timeoutMs)]);
      return { previous, current };
    },
  };
}
