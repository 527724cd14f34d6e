import type { Card } from '../../src/chat/card.ts';
import { channelNameOf, type ChatDelivery } from '../../src/engine/delivery.ts';

export interface Delivered {
  op: 'post' | 'update' | 'ephemeral' | 'upload' | 'war-room' | 'pin';
  channel: string;
  ts: string;
  text: string;
  threadTs?: string;
  marker?: string;
  /** a war room's topic and invitees (its channel is the room's name, its text the protocol) */
  topic?: string;
  invite?: string[];
}

/** An in-memory ChatDelivery that records what it was asked to deliver and can be told to fail. */
export function recordingChat() {
  const delivered: Delivered[] = [];
  const failures: (() => Error)[] = [];
  let seq = 0;
  const maybeFail = () => {
    const next = failures.shift();
    if (next) throw next();
  };
  const chat: ChatDelivery = {
    async post({ channel, card, threadTs, marker }) {
      maybeFail();
      const ts = `${1_800_000_000 + ++seq}.000100`;
      delivered.push({ op: 'post', channel, ts, text: card.text, threadTs, marker });
      return { channel: channel.startsWith('#') ? `C${channel.slice(1).toUpperCase().replace(/[^A-Z0-9]/g, '')}` : channel, ts };
    },
    async update({ channel, ts, card }: { channel: string; ts: string; card: Card }) {
      maybeFail();
      delivered.push({ op: 'update', channel, ts, text: card.text });
    },
    async ephemeral({ channel, card }) {
      maybeFail();
      delivered.push({ op: 'ephemeral', channel, ts: '', text: card.text });
    },
    async findPosted({ marker }) {
      const found = delivered.find((d) => d.op === 'post' && d.marker === marker);
      return found && { channel: found.channel, ts: found.ts };
    },
    async upload({ channel, threadTs, file }) {
      maybeFail();
      delivered.push({ op: 'upload', channel, ts: '', text: file.content, threadTs, marker: file.filename });
      return { channel, fileId: file.filename };
    },
    async findUploaded({ channel, filename }) {
      return delivered.some((d) => d.op === 'upload' && d.marker === filename) ? { channel, fileId: filename } : undefined;
    },
    async pin({ channel, ts }) {
      maybeFail();
      delivered.push({ op: 'pin', channel, ts, text: '' });
    },
    async openWarRoom({ name, topic, invite, pin, marker }) {
      maybeFail();
      const channel = channelNameOf(name);
      delivered.push({ op: 'war-room', channel, ts: '', text: pin, marker, topic, invite });
      return { channel: `C${channel.toUpperCase().replace(/[^A-Z0-9]/g, '')}`, name: channel, invited: [...new Set(invite)], notInvited: [] };
    },
  };
  return {
    chat,
    delivered,
    posts: () => delivered.filter((d) => d.op === 'post'),
    /** Every openWarRoom call, repeats included. */
    warRooms: () => delivered.filter((d) => d.op === 'war-room'),
    /** The next n deliveries throw what `make` returns. */
    failNext(n: number, make: () => Error) {
      for (let i = 0; i < n; i++) failures.push(make);
    },
  };
}
