import type { Writable } from 'node:stream';
import { channelNameOf, type ChatDelivery, type WarRoom } from '../../engine/delivery.ts';
import type { Card } from '../card.ts';
import { renderForTerminal } from './render.ts';

export interface Pressable {
  actionId: string;
  value: string;
  channel: string;
  ts: string;
}

/**
 * The terminal the console writes to: it shows what the bot posts (it is the console's ChatDelivery)
 * and remembers every button shown, by number, so the person can press it.
 */
export class Screen {
  readonly buttons = new Map<number, Pressable>();
  #ts = 0;
  readonly #markers = new Map<string, { channel: string; ts: string }>();
  readonly #files = new Set<string>();
  readonly #warRooms = new Map<string, WarRoom>();

  /** Messages posted so far. */
  posted = 0;

  /** `stamp` prefixes every message with a time (a rehearsal's virtual T+hh:mm). */
  constructor(
    private readonly output: Writable,
    private readonly stamp?: () => string,
  ) {}

  print(line: string): void {
    this.output.write(`${line}\n`);
  }

  show(title: string, card: Card, where: { channel: string; ts: string }): void {
    this.print(
      renderForTerminal(this.stamp ? `${this.stamp()} ${title}` : title, card, (actionId, value) => {
        // A button keeps its number when its message is updated.
        const same = [...this.buttons].find(([, b]) => b.ts === where.ts && b.channel === where.channel && b.actionId === actionId && b.value === value);
        if (same) return same[0];
        const n = this.buttons.size + 1;
        this.buttons.set(n, { actionId, value, ...where });
        return n;
      }),
    );
  }

  readonly delivery: ChatDelivery = {
    post: async ({ channel, card, threadTs, marker }) => {
      const ts = String(++this.#ts);
      this.posted++;
      this.show(`${channel}${threadTs ? ` · thread of message ${threadTs}` : ''} · message ${ts}`, card, { channel, ts });
      this.#markers.set(marker, { channel, ts });
      return { channel, ts };
    },
    update: async ({ channel, ts, card }) => this.show(`${channel} · message ${ts} (updated)`, card, { channel, ts }),
    ephemeral: async ({ channel, user, card }) => this.show(`${channel} · only to ${user}`, card, { channel, ts: 'ephemeral' }),
    findPosted: async ({ marker }) => this.#markers.get(marker),
    upload: async ({ channel, threadTs, file }) => {
      this.#files.add(file.filename);
      const lines = file.content.split('\n').length;
      this.print(`${this.stamp ? `${this.stamp()} ` : ''}${channel}${threadTs ? ` · thread of message ${threadTs}` : ''} · file ${file.filename} (${file.title}, ${lines} lines)`);
      return { channel, fileId: file.filename };
    },
    findUploaded: async ({ channel, filename }) => (this.#files.has(filename) ? { channel, fileId: filename } : undefined),
    pin: async ({ channel, ts }) => this.print(`${this.stamp ? `${this.stamp()} ` : ''}📌 ${channel} · message ${ts} pinned`),
    openWarRoom: async ({ name, invite }) => {
      const channel = channelNameOf(name);
      const earlier = this.#warRooms.get(channel);
      if (earlier) return earlier;
      const room: WarRoom = { channel, name: channel, invited: [...new Set(invite)], notInvited: [] };
      this.#warRooms.set(channel, room);
      const invited = room.invited.length > 0 ? room.invited.map((u) => `@${u}`).join(', ') : 'nobody';
      this.print(`${this.stamp ? `${this.stamp()} ` : ''}#${channel} created; invited ${invited}; protocol pinned`);
      return room;
    },
  };
}
