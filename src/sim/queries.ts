/**
 * The sim's query book: every PromQL text the config can ask (signals, triggers and their `allOf` parts,
 * first-night checks, the canary's request rate), recognised after `fillQuery` for any version and the
 * tracks canary and stable, each tied to a family of values. Healthy values sit safely inside every
 * threshold of the config (a team's tighter thresholds included); faulted values sit past them.
 */
import type { Comparison, SparkConfig } from '../config/schema.ts';
import { fillQuery } from '../config/schema.ts';
import { knownFamilyOf } from './families.ts';

export type Track = 'canary' | 'stable';

export interface SimFamily {
  id: string;
  stable: number;
  canary: number;
  /** relative noise common to both tracks */
  noise: number;
  /** relative noise of each track on its own (0 when a signal compares canary with baseline) */
  jitter: number;
  perRequest: boolean;
  /** the degraded value, past every threshold of the config on this family */
  fault: number;
  companions: string[];
  /** a platform-wide amount each version and track gets its traffic share of (the request rate) */
  byShare?: boolean;
}

export interface QueryTemplate {
  text: string;
  family: SimFamily;
  /** base unit → this query's unit */
  scale: number;
}

export interface ResolvedQuery {
  template: QueryTemplate;
  /** absent when the query names no version (platform-wide) */
  version?: string;
  /** absent when the query names no track (the whole version, or platform-wide) */
  track?: Track;
}

export interface QueryBook {
  resolve(promql: string): ResolvedQuery | undefined;
  family(id: string): SimFamily | undefined;
  /** the families a fault on this signal degrades */
  familiesOf(signalId: string): string[];
}

/** role: a signal/check must pass; a trigger must not hold; an allOf part only matters together with the others */
interface Constraint {
  role: 'pass' | 'notHold' | 'part';
  comparison: Comparison;
  /** in the family's base unit */
  limit: number;
}

const holds = (v: number, c: Comparison, t: number) =>
  c === '<' ? v < t : c === '<=' ? v <= t : c === '>' ? v > t : v >= t;
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const TRACK_JITTER = 0.01;
/** the whole platform's request rate, per second */
export const PLATFORM_RPS = 1200;
const VERSION_RE = '((?:[^"\\\\]|\\\\.)*)';

function patternOf(text: string): { re: RegExp; version: number; track: number } {
  let group = 0;
  let version = 0;
  let track = 0;
  const src = text
    .split(/(\{\{(?:version|track)\}\})/)
    .map((part) => {
      if (part === '{{version}}') return version ? VERSION_RE.replace('(', '(?:') : ((version = ++group), VERSION_RE);
      if (part === '{{track}}') return track ? '(?:canary|stable)' : ((track = ++group), '(canary|stable)');
      return escapeRe(part);
    })
    .join('');
  return { re: new RegExp(`^${src}$`), version, track };
}

function healthyOk(stable: number, ratio: number, noise: number, cs: Constraint[], parts: boolean): boolean {
  const values = [stable, stable * ratio].flatMap((v) => [v * (1 - noise), v * (1 + noise)]);
  return cs.every((c) => {
    if (c.role === 'part' && !parts) return true;
    return values.every((v) => (c.role === 'pass' ? holds(v, c.comparison, c.limit) : !holds(v, c.comparison, c.limit)));
  });
}

/**
 * A healthy value for the family: its known nominal when that fits the config even at the noise's
 * extremes (`nominal: true`), else a quiet value inside the config's bounds.
 */
function healthy(known: number | undefined, noise: number, ratio: number, cs: Constraint[]) {
  const custom = known === undefined;
  if (!custom && healthyOk(known, ratio, noise, cs, false)) return { stable: known, ratio, nominal: true };
  const nominal = known;
  const below = cs.filter((c) => (c.role === 'pass') === c.comparison.startsWith('<')).map((c) => c.limit);
  const above = cs.filter((c) => (c.role === 'pass') !== c.comparison.startsWith('<')).map((c) => c.limit);
  const hi = below.length ? Math.min(...below) : undefined;
  const lo = above.length ? Math.max(...above) : undefined;
  const candidates = [
    hi !== undefined && lo !== undefined ? (hi + lo) / 2 : undefined,
    hi !== undefined ? (hi > 0 ? hi / 2 : hi - 1) : undefined,
    hi,
    lo !== undefined ? (lo > 0 ? lo * 2 : lo + 1) : undefined,
    lo,
    nominal,
    0,
    1,
  ].filter((v): v is number => v !== undefined);
  const fits = candidates.find((v) => healthyOk(v, 1, 0, cs, custom));
  return { stable: fits ?? nominal ?? 0, ratio: 1, nominal: false };
}

/** Past every limit on the bad side: above for a signal that must stay low, below for one that must stay high. */
function degraded(known: number | undefined, up: boolean, cs: Constraint[], baseline: number[]): number {
  const limits = [
    ...cs.filter((c) => (c.role === 'pass') === (c.comparison.startsWith('<') === up)).map((c) => c.limit),
    ...(up ? baseline : []),
  ];
  if (limits.length === 0) return known ?? (up ? 1 : -1);
  const edge = up ? Math.max(...limits) : Math.min(...limits);
  const past = up ? (edge > 0 ? edge * 1.12 : edge + 1) : edge > 0 ? edge * 0.88 : edge - 1;
  if (known === undefined) return past;
  return up ? Math.max(known, past) : Math.min(known, past);
}

export function buildQueryBook(config: SparkConfig): QueryBook {
  type Entry = { text: string; role: Constraint['role']; comparison: Comparison; threshold: number | { baselinePlusPercent: number } };
  const entries: Entry[] = [
    ...config.signals.map((s) => ({ text: s.query, role: 'pass' as const, comparison: s.comparison, threshold: s.threshold })),
    ...config.firstNight.checks.map((c) => ({ text: c.query, role: 'pass' as const, comparison: c.comparison, threshold: c.threshold })),
    ...config.triggers.flatMap((t): Entry[] =>
      'allOf' in t
        ? t.allOf.map((p) => ({ text: p.query, role: 'part' as const, comparison: p.comparison, threshold: p.threshold }))
        : [{ text: t.query, role: 'notHold' as const, comparison: t.comparison, threshold: t.threshold }],
    ),
  ];

  // Group the query texts into families: a known metric, or one family per unknown query text.
  const familyIdOf = (text: string) => knownFamilyOf(text)?.id ?? `query:${text}`;
  const scaleOf = (text: string) => knownFamilyOf(text)?.scale?.(text) ?? 1;
  const constraints = new Map<string, Constraint[]>();
  const baselines = new Map<string, number[]>(); // baselinePlusPercent values
  for (const e of entries) {
    const id = familyIdOf(e.text);
    if (typeof e.threshold === 'number') {
      const list = constraints.get(id) ?? [];
      list.push({ role: e.role, comparison: e.comparison, limit: e.threshold / scaleOf(e.text) });
      constraints.set(id, list);
    } else {
      baselines.set(id, [...(baselines.get(id) ?? []), e.threshold.baselinePlusPercent]);
    }
  }

  const families = new Map<string, SimFamily>();
  const templates = new Map<string, QueryTemplate & { pattern: ReturnType<typeof patternOf> }>();
  for (const e of entries) {
    const id = familyIdOf(e.text);
    if (!families.has(id)) {
      const known = knownFamilyOf(e.text);
      const cs = constraints.get(id) ?? [];
      const pcts = baselines.get(id) ?? [];
      const tightest = pcts.length ? Math.min(...pcts) : Infinity;
      const ratio = Math.min(known?.canaryRatio ?? 1, 1 + tightest / 200);
      const jitter = pcts.length || !known?.noise ? 0 : TRACK_JITTER;
      const noise = known?.noise ?? 0;
      const h = healthy(known?.stable, (1 + noise) * (1 + jitter) - 1, ratio, cs);
      const signal = config.signals.find((s) => familyIdOf(s.query) === id);
      const up = known !== undefined || !signal || signal.comparison.startsWith('<');
      const fault = degraded(known?.fault, up, cs, pcts.map((p) => h.stable * (1 + p / 100)));
      families.set(id, {
        id,
        stable: h.stable,
        canary: h.stable * h.ratio,
        noise: h.nominal ? noise : 0,
        jitter: h.nominal ? jitter : 0,
        perRequest: known?.perRequest ?? /\b(i?rate|increase)\(/.test(e.text),
        fault,
        companions: known?.companions ?? [],
      });
    }
    if (!templates.has(e.text)) {
      templates.set(e.text, { text: e.text, family: families.get(id)!, scale: scaleOf(e.text), pattern: patternOf(e.text) });
    }
  }

  // The canary's request rate: what the platform serves, split by traffic share.
  const requests: SimFamily = { id: 'requests', stable: PLATFORM_RPS, canary: PLATFORM_RPS, noise: 0.05, jitter: 0, perRequest: true, fault: PLATFORM_RPS, companions: [], byShare: true };
  const requestsQuery = config.canary.requestsQuery;
  if (!templates.has(requestsQuery)) templates.set(requestsQuery, { text: requestsQuery, family: requests, scale: 1, pattern: patternOf(requestsQuery) });

  const cache = new Map<string, ResolvedQuery | undefined>();
  function resolve(promql: string): ResolvedQuery | undefined {
    if (cache.has(promql)) return cache.get(promql);
    let found: ResolvedQuery | undefined;
    for (const t of templates.values()) {
      const m = t.pattern.re.exec(promql);
      if (!m) continue;
      const version = t.pattern.version ? (m[t.pattern.version] ?? '').replace(/\\(.)/g, '$1') : undefined;
      const track = t.pattern.track ? (m[t.pattern.track] as Track) : undefined;
      // a text with a placeholder twice matched each occurrence loosely: it must fill back to the same query
      if (fillQuery(t.text, { version, track }) !== promql) continue;
      found = { template: { text: t.text, family: t.family, scale: t.scale }, version, track };
      break;
    }
    cache.set(promql, found);
    return found;
  }

  return {
    resolve,
    family: (id) => families.get(id),
    familiesOf(signalId) {
      const signal = config.signals.find((s) => s.id === signalId);
      if (!signal) return [];
      const id = familyIdOf(signal.query);
      return [id, ...(families.get(id)?.companions ?? []).filter((c) => families.has(c))];
    },
  };
}
