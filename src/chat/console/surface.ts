import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Card, Reply } from '../card.ts';
import type { Router } from '../router.ts';
import { renderForTerminal } from './render.ts';

export interface Person {
  userId: string;
  name: string;
}

export interface ConsoleOptions {
  router: Router;
  people: Person[];
  channel: string;
  input: Readable;
  output: Writable;
  /** A terminal gets a prompt; a script on stdin does not. */
  interactive: boolean;
}

interface Pressable {
  actionId: string;
  value: string;
  channel: string;
  ts: string;
}

const HINT = 'Type a /spark command, a button number, `/as <person>` to act as someone else, or `/quit`.';

/** The local terminal surface: reads lines, drives the same router Slack drives, prints what the bot says. */
export async function runConsole(opts: ConsoleOptions): Promise<void> {
  const { router, people, channel, output } = opts;
  let me = people[0] ?? { userId: 'U0LOCAL', name: 'you' };
  const buttons = new Map<number, Pressable>();
  let nextTs = 1;
  const print = (s: string) => void output.write(`${s}\n`);

  function show(title: string, card: Card, where: { channel: string; ts: string }) {
    print(
      renderForTerminal(title, card, (actionId, value) => {
        // A button keeps its number when its message is updated.
        const same = [...buttons].find(([, b]) => b.ts === where.ts && b.channel === where.channel && b.actionId === actionId && b.value === value);
        if (same) return same[0];
        const n = buttons.size + 1;
        buttons.set(n, { actionId, value, ...where });
        return n;
      }),
    );
  }

  function deliver(reply: Reply, pressed?: Pressable) {
    if (reply.ephemeral) show(`only to ${me.name}`, reply.ephemeral, { channel, ts: 'ephemeral' });
    if (reply.update && pressed) show(`${pressed.channel} · message ${pressed.ts} (updated)`, reply.update, pressed);
    for (const post of reply.posts) {
      const ts = String(nextTs++);
      show(`${post.channel}${post.threadTs ? ` · thread of ${post.threadTs}` : ''} · message ${ts}`, post.card, { channel: post.channel, ts });
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
    if (text.startsWith('/spark')) {
      if (!/^\/spark(\s|$)/.test(text)) return print(`Unknown command "${text.split(/\s/)[0]}". ${HINT}`);
      return deliver(await router.command({ text: text.slice('/spark'.length), userId: me.userId, channelId: channel }));
    }
    if (text.startsWith('/as')) return switchTo(text.slice(3).trim());
    if (text === '/whoami') return print(`You are ${me.name} (${me.userId}).`);
    const press = /^(?:press\s+)?(\d+)$/.exec(text);
    if (press) {
      const target = buttons.get(Number(press[1]));
      if (!target) return print(`There is no button ${press[1]}. ${HINT}`);
      return deliver(await router.action({ ...target, messageTs: target.ts, userId: me.userId, channelId: target.channel }), target);
    }
    print(`Not understood: "${text}". ${HINT}`);
  }

  const rl = createInterface({ input: opts.input, terminal: false });
  const prompt = () => opts.interactive && output.write(`${me.name}> `);
  if (opts.interactive) print(`spark-ritual console, in ${channel}. ${HINT}`);
  prompt();
  for await (const line of rl) {
    if (/^\/(quit|exit)$/.test(line.trim())) break;
    try {
      await handle(line);
    } catch (err) {
      print(`Something went wrong: ${(err as Error).message}. Nothing else was changed; try again or check the log.`);
    }
    prompt();
  }
  rl.close();
}
