/** An SNTP v4 client (RFC 4330): one request over UDP, the clock offset from the four timestamps. */
import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';
import { SourceError } from '../ports/errors.ts';
import type { TimeSource } from '../ports/time-source.ts';

const DEFAULT_PORT = 123;
const DEFAULT_TIMEOUT_MS = 5_000;
const PACKET_BYTES = 48;
/** Seconds from the NTP epoch (1900-01-01) to the Unix epoch. */
const NTP_TO_UNIX_S = 2_208_988_800;
/** NTP seconds wrap every 2^32 s (the next era starts in February 2036); the fraction counts 2^-32 s. */
const ERA = 2 ** 32;
const MODE_CLIENT = 3;
const MODE_SERVER = 4;
const ORIGINATE_AT = 24;
const RECEIVE_AT = 32;
const TRANSMIT_AT = 40;

export interface SntpOptions {
  /** default 5 s */
  timeoutMs?: number;
  /** the clock being measured, in Unix ms; default Date.now */
  now?: () => number;
}

/** `server` is `host`, `host:port` or `[ipv6]:port`; the port defaults to 123. */
export function sntpTimeSource(server: string, opts: SntpOptions = {}): TimeSource {
  const { host, port } = parseServer(server);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const now = opts.now ?? Date.now;
  return {
    async offsetMs() {
      const { request, reply, t1, t4 } = await exchange(server, host, port, timeoutMs, now);
      return offsetOf(server, request, reply, t1, t4);
    },
  };
}

function parseServer(server: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(server) ?? /^([^:]+)(?::(\d+))?$/.exec(server);
  // anything else is a bare IPv6 address
  const [host, port] = m?.[1] ? [m[1], m[2] ? Number(m[2]) : DEFAULT_PORT] : [server, DEFAULT_PORT];
  if (port < 1 || port > 65_535) throw new RangeError(`not an NTP server address: ${server}`);
  return { host, port };
}

interface Exchange {
  request: Buffer;
  reply: Buffer;
  t1: number;
  t4: number;
}

function exchange(server: string, host: string, port: number, timeoutMs: number, now: () => number): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
    let request: Buffer = Buffer.alloc(0);
    let t1 = 0;
    const finish = (done: () => void) => {
      clearTimeout(timer);
      socket.close();
      done();
    };
    const timer = setTimeout(() => finish(() => reject(new SourceError(`NTP server ${server} did not answer within ${timeoutMs} ms`))), timeoutMs);
    socket.once('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'ECONNREFUSED' ? 'nothing listens on that port (ECONNREFUSED)' : err.message;
      finish(() => reject(new SourceError(`NTP server ${server} is unreachable: ${why}`, { cause: err })));
    });
    socket.once('message', (reply) => {
      const t4 = now();
      finish(() => resolve({ request, reply, t1, t4 }));
    });
    // Connected (the name resolved by dgram), the socket hears only from the server, and a closed port
    // comes back as ECONNREFUSED instead of silence.
    socket.once('connect', () => {
      t1 = now();
      request = clientRequest(t1);
      socket.send(request);
    });
    socket.connect(port, host);
  });
}

function clientRequest(t1: number): Buffer {
  const packet = Buffer.alloc(PACKET_BYTES);
  packet.writeUInt8((0 << 6) | (4 << 3) | MODE_CLIENT, 0); // LI 0, VN 4, mode 3
  writeTimestamp(packet, TRANSMIT_AT, t1);
  return packet;
}

/** ((T2 − T1) + (T3 − T4)) / 2, after the RFC 4330 §5 checks on the answer. */
function offsetOf(server: string, request: Buffer, reply: Buffer, t1: number, t4: number): number {
  const fail = (why: string) => new SourceError(`NTP server ${server} ${why}`);
  if (reply.length < PACKET_BYTES) throw fail(`answered ${reply.length} bytes, not an NTP packet`);
  const mode = reply.readUInt8(0) & 0b111;
  if (mode !== MODE_SERVER) throw fail(`answered in mode ${mode}, not as a server (mode 4)`);
  const stratum = reply.readUInt8(1);
  if (stratum === 0) throw fail(`sent a kiss-of-death: ${kissCode(reply)}`);
  if (stratum > 15) throw fail(`is not synchronised (stratum ${stratum})`);
  // The server copies our transmit timestamp into originate: anything else is not an answer to this request.
  if (!reply.subarray(ORIGINATE_AT, ORIGINATE_AT + 8).equals(request.subarray(TRANSMIT_AT, TRANSMIT_AT + 8))) {
    throw fail('answered with an originate timestamp that is not our request');
  }
  if (reply.readBigUInt64BE(TRANSMIT_AT) === 0n) throw fail('answered without a transmit timestamp');
  const t2 = readTimestamp(reply, RECEIVE_AT, t1);
  const t3 = readTimestamp(reply, TRANSMIT_AT, t1);
  return (t2 - t1 + (t3 - t4)) / 2;
}

/** A kiss-of-death's reason: four ASCII letters in the reference ID (RATE, DENY, RSTR…). */
function kissCode(reply: Buffer): string {
  return reply.toString('latin1', 12, 16).replace(/[^\x21-\x7e]/g, '') || '(no code)';
}

function writeTimestamp(packet: Buffer, at: number, unixMs: number): void {
  const seconds = Math.floor(unixMs / 1000);
  packet.writeUInt32BE((seconds + NTP_TO_UNIX_S) % ERA, at);
  packet.writeUInt32BE(Math.floor(((unixMs - seconds * 1000) / 1000) * ERA), at + 4);
}

/** An NTP timestamp in Unix ms, in the era that puts it nearest `nearMs` (our own clock). */
function readTimestamp(packet: Buffer, at: number, nearMs: number): number {
  const seconds = packet.readUInt32BE(at) - NTP_TO_UNIX_S;
  const eras = Math.round((nearMs / 1000 - seconds) / ERA);
  return (seconds + eras * ERA) * 1000 + (packet.readUInt32BE(at + 4) / ERA) * 1000;
}
