import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { scrubSecrets } from '../../log.ts';
import type { Modal, ModalField, Reply } from '../card.ts';
import type { Router } from '../router.ts';
import type { Screen } from './screen.ts';

export interface Person {
  userId: string;
  name: string;
}

export interface ConsoleOptions {
  router: Router;
  screen: Screen;
  people: Person[];
  channel: string;
  input: Readable;
  /** A terminal gets a prompt; a script on stdin does not. */
  interactive: boolean;
  /** Runs the work a line started (timers due, messages to deliver) before the next line is read. */
  settle: () => Promise<void>;
}

const HINT = 'Type a /spark command, a button number, `/as <person>` to act as someone else, or `/quit`.';

/** The local terminal surface: reads lines, drives the same router Slack drives, prints what the bot says. */
export async function runConsole(opts: ConsoleOptions): Promise<void> {
  const { router, people, channel, screen } = opts;
  let me = people[0] ?? { userId: 'U0LOCAL', name: 'you' };
  /** A form the person opened: their next lines are its answers, the main input first, then each further field. */
  let form: Modal | undefined;
  let answers: string[] = [];
  const print = (s: string) => screen.print(s);
  const fieldPrompt = (f: ModalField) =>
    `${f.label}${f.options ? ` (${f.options.join(', ')})` : ''}: type it on the next line${f.initial ? `, \`.\` for ${f.initial}` : f.optional ? ', `.` for none' : ''}, or /cancel.`;

  function deliver(reply: Reply) {
    if (reply.ephemeral) screen.show(`only to ${me.name}`, reply.ephemeral, { channel, ts: 'ephemeral' });
    if (reply.modal) {
      form = reply.modal;
      print(`┌─ form: ${form.title} (only to ${me.name})\n│ ${form.intro}\n│ ${form.input.label}: type it on the next line, or /cancel.\n└─`);
    }
  }

  async function answerForm(open: Modal, text: string) {
    if (text === '/cancel') {
      form = undefined;
      answers = [];
      return print(`${open.title}: cancelled, nothing was changed.`);
    }
    answers.push(text);
    const fields = open.fields ?? [];
    const next = fields[answers.length - 1];
    if (next) return print(fieldPrompt(next));
    const [value = '', ...rest] = answers;
    form = undefined;
    answers = [];
    const given = Object.fromEntries(fields.map((f, i) => [f.id, rest[i] === '.' ? (f.initial ?? '') : (rest[i] ?? '')]));
    const reply = await router.submit({ callbackId: open.callbackId, metadata: open.metadata, value, fields: given, userId: me.userId });
    if (reply.error) {
      form = open;
      print(`${reply.error}\n${open.input.label}: type it again, or /cancel.`);
    }
  }

  function switchTo(who: string) {
    const w = who.toLowerCase();
    const found = people.find((p) => p.userId.toLowerCase() === w || p.name.toLowerCase().includes(w));
    if (!found) return print(`No configured person matches "${who}". People: ${people.map((p) => `${p.name} (${p.userId})`).join(', ')}`);
    me = found;
    print(`You are now ${me.name} (${me.userId}).`);
  }

  async function handle(line: string) {
    const text = line.trim();
    if (!text) return;
    if (form) return answerForm(form, text);
    if (text.startsWith('/spark')) {
      if (!/^\/spark(\s|$)/.test(text)) return print(`Unknown command "${text.split(/\s/)[0]}". ${HINT}`);
      return deliver(await router.command({ text: text.slice('/spark'.length), userId: me.userId, channelId: channel }));
    }
    if (text.startsWith('/as')) return switchTo(text.slice(3).trim());
    if (text === '/whoami') return print(`You are ${me.name} (${me.userId}).`);
    const press = /^(?:press\s+)?(\d+)$/.exec(text);
    if (press) {
      const target = screen.buttons.get(Number(press[1]));
      if (!target) return print(`There is no button ${press[1]}. ${HINT}`);
      return deliver(await router.action({ ...target, messageTs: target.ts, userId: me.userId, channelId: target.channel }));
    }
    print(`Not understood: "${text}". ${HINT}`);
  }

  const rl = createInterface({ input: opts.input, terminal: false });
  const prompt = () => opts.interactive && screen.print(`${me.name}>`);
  if (opts.interactive) print(`spark-ritual console, in ${channel}. ${HINT}`);
  prompt();
  for await (const line of rl) {
    if (/^\/(quit|exit)$/.test(line.trim())) break;
    try {
      await handle(line);
      await opts.settle();
    } catch (err) {
      print(`Something went wrong: ${scrubSecrets((err as Error).message)}. Nothing else was changed; try again or check the log.`);
    }
    prompt();
  }
  rl.close();
}
