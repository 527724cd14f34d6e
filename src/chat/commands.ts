import { z } from 'zod';
import { SEVERITIES, type Severity } from '../domain/incident/state.ts';
import { VERSION } from '../domain/version.ts';

/** The `/spark` grammar: every subcommand, its arguments, and one line of help. */

const version = (example: string) =>
  z
    .string({ error: `a version is missing: type \`${example}\`` })
    .regex(VERSION, { error: (i) => `\`${String(i.input)}\` is not a version: use vMAJOR.MINOR.PATCH, e.g. \`${example}\`` });

const START_AT = /^(?:\d{4}-\d{2}-\d{2} )?\d{2}:\d{2}$/;

export interface CommandSpec {
  name: string;
  usage: string;
  summary: string;
  /** Builds the command from the words after the subcommand. */
  schema: z.ZodType<Command>;
}

export type Command =
  | { name: 'help' }
  | { name: 'status' }
  | { name: 'freeze' }
  | { name: 'preflight' | 'redteam' | 'gonogo' | 'evidence' | 'oneliner'; version: string }
  | { name: 'canary'; version: string; override?: string }
  | { name: 'rollback'; reason: string | undefined }
  | { name: 'drill'; version: string; note: string }
  | { name: 'incident'; summary: string; severity: Severity; version?: string }
  | { name: 'action-add'; incident: number; text: string; owner?: string }
  | { name: 'action-list'; incident?: number }
  | { name: 'action-done'; incident: number; item: string }
  | { name: 'runofshow'; version: string; at: string }
  | { name: 'runofshow-cancel'; version?: string };

type Words = string[];

const noArgs = <N extends 'help' | 'status' | 'freeze'>(name: N, usage: string) =>
  z
    .array(z.string())
    .max(0, { error: (i) => `\`${(i.input as Words).join(' ')}\` was not expected: type \`${usage}\`` })
    .transform(() => ({ name }));

const versionArg = <N extends 'preflight' | 'redteam' | 'gonogo' | 'evidence' | 'oneliner'>(name: N) => {
  const example = `/spark ${name} v1.4.0`;
  return z
    .tuple([version(example)], {
      error: (i) => (Array.isArray(i.input) && i.input.length > 1 ? `too many words: type \`${example}\`` : `a version is missing: type \`${example}\``),
    })
    .transform(([v]) => ({ name, version: v }));
};

const runOfShow = z.array(z.string()).transform((words, ctx): Command => {
  if (words[0]?.toLowerCase() === 'cancel') {
    const cancelExample = '/spark runofshow cancel v1.4.0';
    if (words.length === 1) return { name: 'runofshow-cancel' };
    const which = version(cancelExample).safeParse(words[1]);
    if (!which.success || words.length > 2) {
      ctx.addIssue({ code: 'custom', message: `\`${words.slice(1).join(' ')}\` was not expected after cancel: type \`/spark runofshow cancel\`, or \`${cancelExample}\` to name the version` });
      return z.NEVER;
    }
    return { name: 'runofshow-cancel', version: which.data };
  }
  const example = '/spark runofshow v1.4.0 21:30';
  const [v, ...when] = words;
  const checked = version(example).safeParse(v);
  if (!checked.success) {
    ctx.addIssue({ code: 'custom', message: checked.error.issues[0]?.message ?? 'bad version' });
    return z.NEVER;
  }
  const at = when.join(' ');
  if (!START_AT.test(at)) {
    ctx.addIssue({
      code: 'custom',
      message: at
        ? `\`${at}\` is not a start time: use HH:MM (Europe/Istanbul, today) or YYYY-MM-DD HH:MM, e.g. \`${example}\``
        : `a start time is missing: type \`${example}\``,
    });
    return z.NEVER;
  }
  return { name: 'runofshow', version: checked.data, at };
});

const rest = (words: Words) => words.join(' ').trim();

/** `/spark canary <version> [override <reason>]`: the IC starts it despite a refusal that may be overridden. */
const canary = z.array(z.string()).transform((words, ctx): Command => {
  const example = '/spark canary v1.4.0';
  const [v, keyword, ...reason] = words;
  const checked = version(example).safeParse(v);
  if (!checked.success) {
    ctx.addIssue({ code: 'custom', message: checked.error.issues[0]?.message ?? 'bad version' });
    return z.NEVER;
  }
  if (keyword === undefined) return { name: 'canary', version: checked.data };
  const overrideExample = `/spark canary ${checked.data} override hotfix for the settlement bug, GO confirmed by phone`;
  if (keyword.toLowerCase() !== 'override') {
    ctx.addIssue({ code: 'custom', message: `\`${keyword}\` was not expected after the version: type \`${example}\`, or as the IC \`${overrideExample}\`` });
    return z.NEVER;
  }
  if (reason.length === 0) {
    ctx.addIssue({ code: 'custom', message: `an override needs a written reason: type \`${overrideExample}\`` });
    return z.NEVER;
  }
  return { name: 'canary', version: checked.data, override: rest(reason) };
});

const drill = z.array(z.string()).transform((words, ctx): Command => {
  const example = '/spark drill v1.3.9 staging: full rollback in 4m12s, health checks green';
  const [v, ...note] = words;
  const checked = version(example).safeParse(v);
  if (!checked.success) {
    ctx.addIssue({ code: 'custom', message: checked.error.issues[0]?.message ?? 'bad version' });
    return z.NEVER;
  }
  if (note.length === 0) {
    ctx.addIssue({ code: 'custom', message: `say how the drill went, after the version: type \`${example}\`` });
    return z.NEVER;
  }
  return { name: 'drill', version: checked.data, note: rest(note) };
});

/** `/spark incident [SEV1|SEV2|SEV3] [version] <summary>`: SEV2 unless said; a version links it to the release. */
const incident = z.array(z.string()).transform((words, ctx): Command => {
  const example = '/spark incident SEV2 v1.4.0 5xx spike on the order API';
  let rest = [...words];
  const sev = rest[0]?.toUpperCase();
  const severity = SEVERITIES.find((x) => x === sev);
  if (severity) rest = rest.slice(1);
  else if (sev && /^SEV\d+$/.test(sev)) {
    ctx.addIssue({ code: 'custom', message: `\`${rest[0]}\` is not a severity: use ${SEVERITIES.join(', ')}, e.g. \`${example}\`` });
    return z.NEVER;
  }
  const version = rest[0] !== undefined && VERSION.test(rest[0]) ? rest[0] : undefined;
  if (version) rest = rest.slice(1);
  const summary = rest.join(' ').trim();
  if (!summary) {
    ctx.addIssue({ code: 'custom', message: `a summary is missing: type \`${example}\`` });
    return z.NEVER;
  }
  return { name: 'incident', summary, severity: severity ?? 'SEV2', ...(version ? { version } : {}) };
});

const INCIDENT_ID = /^INC-(\d+)$/i;
/** `<@U0OWNER>` or `<@U0OWNER|name>`, as Slack escapes a mention in a command. */
const MENTION = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/;

/** `/spark action add|list|done`: the incident's action items, tracked until they are done. */
const action = z.array(z.string()).transform((words, ctx): Command => {
  const [verb = '', id, ...rest] = words;
  const problem = (message: string) => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  const seq = id !== undefined ? INCIDENT_ID.exec(id)?.[1] : undefined;
  switch (verb.toLowerCase()) {
    case 'list':
      if (id === undefined) return { name: 'action-list' };
      if (!seq || rest.length > 0) return problem(`\`${words.slice(1).join(' ')}\` is not an incident: type \`/spark action list INC-3\`, or \`/spark action list\` for every open incident`);
      return { name: 'action-list', incident: Number(seq) };
    case 'add': {
      const example = '/spark action add INC-3 add an alert on order rejections <@U0OWNER>';
      if (!seq) return problem(`name the incident first: type \`${example}\``);
      const owner = rest.length > 1 ? MENTION.exec(rest.at(-1) ?? '')?.[1] : undefined;
      const text = (owner ? rest.slice(0, -1) : rest).join(' ').trim();
      if (!text) return problem(`say what is to be done: type \`${example}\``);
      return { name: 'action-add', incident: Number(seq), text, ...(owner ? { owner } : {}) };
    }
    case 'done': {
      const example = '/spark action done INC-3 A1';
      const item = rest[0]?.toUpperCase();
      if (!seq || !item || !/^A\d+$/.test(item) || rest.length > 1) return problem(`name the incident and the item: type \`${example}\``);
      return { name: 'action-done', incident: Number(seq), item };
    }
    default:
      return problem(`\`${verb || '(nothing)'}\` is not something to do with action items: type \`/spark action add INC-3 <what> [@owner]\`, \`/spark action list\` or \`/spark action done INC-3 A1\``);
  }
});

export const COMMANDS: CommandSpec[] = [
  { name: 'help', usage: '/spark help', summary: 'this list', schema: noArgs('help', '/spark help') },
  { name: 'preflight', usage: '/spark preflight <version>', summary: 'run the ten pre-deploy checks and seal their evidence', schema: versionArg('preflight') },
  { name: 'redteam', usage: '/spark redteam <version>', summary: 'the 15-item red-team review: 10 manual items, 5 automated attacks', schema: versionArg('redteam') },
  { name: 'gonogo', usage: '/spark gonogo <version>', summary: 'the 10-minute GO/NO-GO vote of the required approvers', schema: versionArg('gonogo') },
  {
    name: 'canary',
    usage: '/spark canary <version> [override <reason>]',
    summary: 'walk traffic 1 % → 5 % → 25 % → 50 % → 100 %, rolling back by itself on a breach; the IC may override a refusal with a reason',
    schema: canary,
  },
  {
    name: 'rollback',
    usage: '/spark rollback [reason]',
    summary: 'roll the running canary back now, at any stage',
    schema: z.array(z.string()).transform((w) => ({ name: 'rollback' as const, reason: rest(w) || undefined })),
  },
  {
    name: 'drill',
    usage: '/spark drill <version> <how it went>',
    summary: 'record a rollback drill, so the GO/NO-GO counts the rollback plan as tested',
    schema: drill,
  },
  { name: 'status', usage: '/spark status', summary: 'what is running now: releases, timers, undelivered messages', schema: noArgs('status', '/spark status') },
  { name: 'freeze', usage: '/spark freeze', summary: 'the freeze state now, the next window, and why', schema: noArgs('freeze', '/spark freeze') },
  {
    name: 'incident',
    usage: '/spark incident [SEV1|SEV2|SEV3] [version] <summary>',
    summary: 'open an incident in #spark-incidents and page the on-call engineer (SEV2 unless said; a version blocks canaries until it is resolved)',
    schema: incident,
  },
  {
    name: 'action',
    usage: '/spark action add <INC-n> <what> [@owner] | list [INC-n] | done <INC-n> <A1>',
    summary: "an incident's action items, tracked until done",
    schema: action,
  },
  { name: 'evidence', usage: '/spark evidence <version>', summary: "verify a release's evidence files and audit chain", schema: versionArg('evidence') },
  { name: 'oneliner', usage: '/spark oneliner <version>', summary: "print the release one-liner from the canary's measured values", schema: versionArg('oneliner') },
  {
    name: 'runofshow',
    usage: '/spark runofshow <version> <HH:MM | YYYY-MM-DD HH:MM> | cancel [version]',
    summary: 'schedule the T-30 … T-0 countdown (Europe/Istanbul time), or cancel it',
    schema: runOfShow,
  },
];

export type Parsed = { ok: true; command: Command } | { ok: false; problem: string };

export function parseCommand(text: string): Parsed {
  const [sub = '', ...words] = text.trim().split(/\s+/).filter(Boolean);
  const name = sub.toLowerCase();
  if (!name) return { ok: true, command: { name: 'help' } };
  const spec = COMMANDS.find((c) => c.name === name);
  if (!spec) {
    const near = COMMANDS.filter((c) => c.name.startsWith(name.slice(0, 3))).map((c) => `\`/spark ${c.name}\``);
    const hint = near.length ? `Did you mean ${near.join(' or ')}? ` : '';
    return { ok: false, problem: `\`${sub}\` is not a /spark command. ${hint}Type \`/spark help\` for the list.` };
  }
  const parsed = spec.schema.safeParse(words);
  if (parsed.success) return { ok: true, command: parsed.data };
  const problem = parsed.error.issues[0]?.message ?? 'the arguments are not right';
  return { ok: false, problem: `${problem}\nUsage: \`${spec.usage}\`` };
}
