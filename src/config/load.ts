/**
 * Finding, reading and validating `spark.config.yml`. Nothing here throws for a bad config: the result
 * lists every problem as one `path: message` line, so `config check` and start-up can print them all.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import YAML, { LineCounter } from 'yaml';
import type { z } from 'zod';
import { describeValue } from './duration.ts';
import { configSchema, type SparkConfig } from './schema.ts';

export type ConfigResult =
  | { ok: true; config: SparkConfig; source: string }
  | { ok: false; problems: string[]; source: string };

/** The `source` of a config that came from no file at all. */
export const BUILT_IN_SOURCE = 'built-in defaults';
/** Looked for in the working directory when neither a file argument nor `SPARK_CONFIG` names one. */
export const DEFAULT_CONFIG_FILE = 'spark.config.yml';

/**
 * Resolution: `file` if given, else `env.SPARK_CONFIG`, else `spark.config.yml` in `cwd` if it exists,
 * else the built-in defaults. A file that was named (argument or `SPARK_CONFIG`) but is missing is a
 * problem, never a silent fallback to the defaults.
 */
export function loadConfig(file: string | undefined, env: NodeJS.ProcessEnv, cwd: string = process.cwd()): ConfigResult {
  let source: string;
  let namedBy = '';
  if (file !== undefined && file !== '') {
    source = file;
  } else if (env.SPARK_CONFIG !== undefined && env.SPARK_CONFIG !== '') {
    source = env.SPARK_CONFIG;
    namedBy = ' (named by SPARK_CONFIG)';
  } else if (existsSync(path.resolve(cwd, DEFAULT_CONFIG_FILE))) {
    source = DEFAULT_CONFIG_FILE;
  } else {
    return validateConfig({}, BUILT_IN_SOURCE);
  }

  let text: string;
  try {
    text = readFileSync(path.resolve(cwd, source), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file'
      : code === 'EISDIR' ? 'is a directory, not a file'
      : code === 'EACCES' ? 'permission denied'
      : `cannot be read (${code ?? (err as Error).message})`;
    return { ok: false, problems: [`${source}: ${why}${namedBy}`], source };
  }
  return parseConfigText(text, source);
}

/** Parses YAML text and validates it. An empty document means "all defaults". */
export function parseConfigText(text: string, source = '(text)'): ConfigResult {
  const lineCounter = new LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter, prettyErrors: false });
  const yamlProblems = [...doc.errors, ...doc.warnings].map((e) => {
    const { line, col } = lineCounter.linePos(e.pos[0]);
    const message =
      e.code === 'MULTIPLE_DOCS' ? 'the config must be a single YAML document (found a second "---")' : e.message;
    return `line ${line}, column ${col}: ${message}`;
  });
  if (yamlProblems.length > 0) return { ok: false, problems: yamlProblems, source };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return { ok: false, problems: [`(root): ${(err as Error).message}`], source };
  }
  return validateConfig(value ?? {}, source);
}

/** Validates an already-parsed value (e.g. from JSON or a test) against the schema. */
export function validateConfig(value: unknown, source = '(value)'): ConfigResult {
  const result = configSchema.safeParse(value, { error: errorMap });
  if (result.success) return { ok: true, config: result.data, source };
  return { ok: false, problems: formatIssues(bySection(result.error.issues)), source };
}

/** Issues grouped by top-level section, in schema order (cross-field rules otherwise come last). */
function bySection(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const order = Object.keys(configSchema.shape);
  const rank = (iss: z.core.$ZodIssue) => {
    const i = order.indexOf(String(iss.path[0]));
    return i === -1 ? order.length : i;
  };
  return issues
    .map((iss, i) => ({ iss, i }))
    .sort((a, b) => rank(a.iss) - rank(b.iss) || a.i - b.i)
    .map(({ iss }) => iss);
}

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a map',
  record: 'a map',
  array: 'a list',
};

/** Separates the per-key messages of one `unrecognized_keys` issue (see `formatIssues`). */
const KEY_SEPARATOR = '\n';

/** Readable messages for issues whose schema did not set its own. Applies to this parse only. */
const errorMap: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return 'required';
      return `expected ${TYPE_NAMES[iss.expected] ?? iss.expected}, got ${describeValue(iss.input)}`;
    case 'invalid_value':
      return iss.values.length === 1
        ? `expected ${JSON.stringify(iss.values[0])}, got ${describeValue(iss.input)}`
        : `expected one of ${iss.values.map((v) => JSON.stringify(v)).join(', ')}; got ${describeValue(iss.input)}`;
    case 'too_small':
      if (iss.origin === 'array') return `needs at least ${iss.minimum} item${Number(iss.minimum) === 1 ? '' : 's'}`;
      if (iss.origin === 'string') return 'must not be empty';
      return `must be ${iss.inclusive ? 'at least' : 'greater than'} ${iss.minimum}, got ${describeValue(iss.input)}`;
    case 'too_big':
      if (iss.origin === 'array') return `may have at most ${iss.maximum} items`;
      return `must be ${iss.inclusive ? 'at most' : 'less than'} ${iss.maximum}, got ${describeValue(iss.input)}`;
    case 'unrecognized_keys': {
      const known = knownKeys(iss.inst);
      return iss.keys.map((k) => unknownKeyMessage(k, known)).join(KEY_SEPARATOR);
    }
    case 'invalid_format':
      return `has the wrong format, got ${describeValue(iss.input)}`;
    default:
      return undefined;
  }
};

function knownKeys(inst: unknown): string[] {
  const shape = (inst as { _zod?: { def?: { shape?: unknown } } } | undefined)?._zod?.def?.shape;
  return shape && typeof shape === 'object' ? Object.keys(shape) : [];
}

function unknownKeyMessage(key: string, known: string[]): string {
  if (known.length === 0) return 'unknown key';
  const close = known
    .map((k) => ({ k, d: editDistance(key.toLowerCase(), k.toLowerCase()) }))
    .filter(({ k, d }) => {
      const [a, b] = [key.toLowerCase(), k.toLowerCase()];
      const prefix = Math.min(a.length, b.length) >= 4 && (a.startsWith(b) || b.startsWith(a));
      return prefix || d <= Math.max(1, Math.floor(k.length / 4));
    })
    .sort((a, b) => a.d - b.d)[0];
  if (close) return `unknown key; did you mean "${close.k}"?`;
  return `unknown key; expected one of ${known.join(', ')}`;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** `stages.2.hold`; the document itself is `(root)`. */
export function formatPath(p: readonly PropertyKey[]): string {
  return p.length === 0 ? '(root)' : p.map((s) => String(s)).join('.');
}

/**
 * One `path: message` line per problem. An unknown key gets its own line with the key in the path; a
 * failed union (a threshold that is neither a number nor `{ baselinePlusPercent }`) reports the
 * problems of the form the value was evidently meant to have.
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): string[] {
  const out: string[] = [];
  for (const iss of issues) {
    const p = [...prefix, ...iss.path];
    switch (iss.code) {
      case 'unrecognized_keys': {
        const parts = iss.message.split(KEY_SEPARATOR);
        const perKey = parts.length === iss.keys.length;
        iss.keys.forEach((k, i) => out.push(`${formatPath([...p, k])}: ${perKey ? parts[i] : 'unknown key'}`));
        break;
      }
      case 'invalid_union': {
        const meant = iss.errors.filter(
          (branch) => !(branch.length === 1 && branch[0]?.code === 'invalid_type' && branch[0].path.length === 0),
        );
        if (meant.length === 1 && meant[0]) out.push(...formatIssues(meant[0], p));
        else out.push(`${formatPath(p)}: ${iss.message}`);
        break;
      }
      case 'invalid_key':
        // the key itself is bad (e.g. a role name with a space): its messages describe the key
        for (const keyIssue of iss.issues) out.push(`${formatPath(p)}: ${keyIssue.message}`);
        break;
      default:
        out.push(`${formatPath(p)}: ${iss.message}`);
    }
  }
  return out;
}
