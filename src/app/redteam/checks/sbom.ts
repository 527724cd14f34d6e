import { findingOf, type Finding, type Outcome } from '../../../domain/preflight/finding.ts';
import type { Component } from '../../../ports/redteam.ts';
import { need } from '../../preflight/check.ts';
import type { RedteamCheck } from '../check.ts';

type Part = { outcome: Outcome; line: string };

export interface SbomDiff {
  added: Component[];
  removed: Component[];
  versionChanged: { name: string; from: string; to: string }[];
  licenceChanged: { name: string; version: string; from: string[]; to: string[] }[];
}

const sameLicences = (a: string[], b: string[]) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

function byName(components: Component[]): Map<string, Component[]> {
  const map = new Map<string, Component[]>();
  for (const c of components) map.set(c.name, [...(map.get(c.name) ?? []), c]);
  return map;
}

/**
 * What changed between two SBOMs. Components are matched by name; a name present in several versions (npm allows it)
 * pairs equal versions first, then the rest in order as version changes.
 */
export function diffSboms(previous: Component[], current: Component[]): SbomDiff {
  const diff: SbomDiff = { added: [], removed: [], versionChanged: [], licenceChanged: [] };
  const before = byName(previous);
  for (const [name, now] of byName(current)) {
    const was = [...(before.get(name) ?? [])];
    before.delete(name);
    const unmatched: Component[] = [];
    const pairs: [Component, Component][] = [];
    for (const c of now) {
      const i = was.findIndex((p) => p.version === c.version);
      if (i >= 0) pairs.push([was.splice(i, 1)[0]!, c]);
      else unmatched.push(c);
    }
    for (const c of unmatched) {
      const p = was.shift();
      if (p === undefined) diff.added.push(c);
      else pairs.push([p, c]);
    }
    diff.removed.push(...was);
    for (const [p, c] of pairs) {
      if (p.version !== c.version) diff.versionChanged.push({ name, from: p.version, to: c.version });
      if (!sameLicences(p.licenses, c.licenses)) diff.licenceChanged.push({ name, version: c.version, from: p.licenses, to: c.licenses });
    }
  }
  for (const gone of before.values()) diff.removed.push(...gone);
  return diff;
}

// An SPDX licence expression: `MIT`, `GPL-2.0-only WITH Classpath-exception-2.0`, `(MIT OR Apache-2.0) AND BSD-3-Clause`.
type Expr = { licence: string } | { op: 'AND' | 'OR'; left: Expr; right: Expr };

/** The expression's tree, or undefined when the text is not an expression (then it is a licence's name). */
export function parseExpression(text: string): Expr | undefined {
  const tokens = text.match(/[()]|[^\s()]+/g) ?? [];
  let at = 0;
  const word = (t: string | undefined): t is string => t !== undefined && !['(', ')', 'AND', 'OR', 'WITH'].includes(t);
  const atom = (): Expr | undefined => {
    const t = tokens[at++];
    if (t === '(') {
      const inner = either();
      return tokens[at++] === ')' ? inner : undefined;
    }
    if (!word(t)) return undefined;
    // An exception grants more, never less: the licence decides.
    if (tokens[at] === 'WITH') {
      if (!word(tokens[at + 1])) return undefined;
      at += 2;
    }
    return { licence: t };
  };
  const chain = (op: 'AND' | 'OR', next: () => Expr | undefined) => (): Expr | undefined => {
    let left = next();
    while (left && tokens[at] === op) {
      at++;
      const right = next();
      left = right && { op, left, right };
    }
    return left;
  };
  const both = chain('AND', atom);
  const either = chain('OR', both);
  const tree = either();
  return at === tokens.length ? tree : undefined;
}

const leaves = (e: Expr): string[] => ('licence' in e ? [e.licence] : [...leaves(e.left), ...leaves(e.right)]);

/** Whether the licensee can pick licences that avoid every denied one. */
const avoidable = (e: Expr, denied: (id: string) => boolean): boolean =>
  'licence' in e ? !denied(e.licence) : e.op === 'OR' ? avoidable(e.left, denied) || avoidable(e.right, denied) : avoidable(e.left, denied) && avoidable(e.right, denied);

/** SPDX ids with `*` as a wildcard, matched whole and case-insensitively. */
export function deniedMatcher(patterns: string[]): (id: string) => string | undefined {
  const compiled = patterns.map((p) => ({ p, re: new RegExp(`^${p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i') }));
  return (id) => compiled.find(({ re }) => re.test(id))?.p;
}

export type LicenceVerdict = { kind: 'allowed' } | { kind: 'none' } | { kind: 'choice' | 'denied'; denied: string[] };

/**
 * A component's licences against the denied list. Several entries all apply; an expression is satisfiable by its
 * alternatives, so one that can be met only through a denied licence is denied, and one with an allowed way out is a choice.
 */
export function judgeLicences(licences: string[], isDenied: (id: string) => string | undefined): LicenceVerdict {
  if (licences.length === 0) return { kind: 'none' };
  const trees = licences.map((l) => parseExpression(l) ?? { licence: l });
  const denied = [...new Set(trees.flatMap(leaves).filter((id) => isDenied(id) !== undefined))];
  if (denied.length === 0) return { kind: 'allowed' };
  return { kind: trees.every((t) => avoidable(t, (id) => isDenied(id) !== undefined)) ? 'choice' : 'denied', denied };
}

const shown = (licences: string[]) => (licences.length === 0 ? 'no licence' : licences.join(', '));
const named = (c: { name: string; version: string }) => (c.version ? `${c.name} ${c.version}` : c.name);

function licencePart(what: string, licences: string[], isDenied: (id: string) => string | undefined): Part {
  const v = judgeLicences(licences, isDenied);
  if (v.kind === 'allowed') return { outcome: 'pass', line: what };
  if (v.kind === 'none') return { outcome: 'warn', line: `${what}: no licence declared, check it by hand` };
  const rules = v.denied.map((id) => `${id} matches ${isDenied(id)}`).join(', ');
  return v.kind === 'denied'
    ? { outcome: 'fail', line: `${what}: new denied licence (${rules})` }
    : { outcome: 'warn', line: `${what}: offers a denied licence (${rules}); take it under an allowed alternative` };
}

/** The diff line by line; a licence new in this release (a new component, or changed licences) is judged against the denied list. */
export function judgeSbom(diff: SbomDiff, deniedLicenses: string[]): Part[] {
  const isDenied = deniedMatcher(deniedLicenses);
  const parts: Part[] = [
    ...diff.added.map((c) => licencePart(`added ${named(c)} (${shown(c.licenses)})`, c.licenses, isDenied)),
    ...diff.removed.map((c): Part => ({ outcome: 'pass', line: `removed ${named(c)} (${shown(c.licenses)})` })),
    ...diff.versionChanged.map((v): Part => ({ outcome: 'pass', line: `version ${v.name} ${v.from || '(none)'} → ${v.to || '(none)'}` })),
    ...diff.licenceChanged.map((l) => licencePart(`licence ${named(l)} ${shown(l.from)} → ${shown(l.to)}`, l.to, isDenied)),
  ];
  return parts.length > 0 ? parts : [{ outcome: 'pass', line: 'no component changed' }];
}

/** Item 15: no new denied (GPL-family) licence between the previous release's CycloneDX SBOM and this one's; the diff is the evidence. */
export const sbomCheck: RedteamCheck = {
  id: 'sbom',
  number: 15,
  title: 'SBOM license drift',
  async run({ config, sources }): Promise<Finding> {
    const sbom = need(sources.sbom);
    const { previous, current } = await sbom.read();
    const diff = diffSboms(previous, current);
    const counts = `${diff.added.length} added, ${diff.removed.length} removed, ${diff.versionChanged.length} versions changed, ${diff.licenceChanged.length} licences changed`;
    return findingOf(judgeSbom(diff, config.redteam.sbom.deniedLicenses), `no new denied licence in ${current.length} components; ${counts}`, { ...diff });
  },
};
