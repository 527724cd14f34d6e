import type { Card } from '../../src/chat/card.ts';
import type { ChatDelivery } from '../../src/engine/delivery.ts';

export interface Delivered {
  op: 'post' | 'update' | 'ephemeral' | 'upload';
  channel: string;
  ts: string;
  text: string;
  threadTs?: string;
  marker?: string;
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
  };
  return {
    chat,
    delivered,
    posts: () => delivered.filter((d) => d.op === 'post'),
    /** The next n deliveries throw what `make` returns. */
    failNext(n: number, make: () => Error) {
      for (let i = 0; i < n; i++) failures.push(make);
    },
  };
}
