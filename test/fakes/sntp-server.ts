/**
 * A loopback SNTP responder for tests: answers every client request (mode 3) as a server (mode 4) whose
 * clock runs `offsetMs` ahead of this process's (behind when negative). Stratum 0 answers a kiss-of-death
 * with `kissCode` in the reference ID. Its NTP timestamp arithmetic is written apart from the adapter's on purpose.
 */
import { createSocket } from 'node:dgram';

export interface FakeSntpServer {
  /** 127.0.0.1:port */
  address: string;
  /** client requests answered so far */
  answered(): number;
  close(): Promise<void>;
}

const NTP_TO_UNIX_S = 2_208_988_800n;

/** 64-bit NTP timestamp: seconds since 1900 modulo 2^32 (eras wrap), then a 32-bit binary fraction. */
function ntpTimestamp(unixMs: number): bigint {
  const ms = BigInt(Math.floor(unixMs));
  const seconds = ms / 1000n + NTP_TO_UNIX_S;
  const fraction = ((ms % 1000n) << 32n) / 1000n;
  return ((seconds & 0xffff_ffffn) << 32n) | fraction;
}

export async function startSntpServer(opts: { offsetMs: number; stratum?: number; kissCode?: string }): Promise<FakeSntpServer> {
  const stratum = opts.stratum ?? 2;
  const serverNow = () => Date.now() + opts.offsetMs;
  const socket = createSocket('udp4');
  let answered = 0;

  socket.on('message', (request, peer) => {
    const received = serverNow();
    if (request.length < 48 || (request.readUInt8(0) & 0b111) !== 3) return;
    const reply = Buffer.alloc(48);
    const version = (request.readUInt8(0) >> 3) & 0b111;
    reply.writeUInt8((0 << 6) | (version << 3) | 4, 0);
    reply.writeUInt8(stratum, 1);
    reply.writeUInt8(request.readUInt8(2), 2); // poll
    reply.writeInt8(-20, 3); // precision: about a microsecond
    if (stratum === 0) reply.write((opts.kissCode ?? 'DENY').padEnd(4, '\0').slice(0, 4), 12, 'latin1');
    else reply.writeUInt32BE(0x7f00_0001, 12); // reference ID: an upstream's IPv4 address
    reply.writeBigUInt64BE(ntpTimestamp(received - 60_000), 16); // reference: last set a minute ago
    request.copy(reply, 24, 40, 48); // originate = the client's transmit
    reply.writeBigUInt64BE(ntpTimestamp(received), 32);
    reply.writeBigUInt64BE(ntpTimestamp(serverNow()), 40);
    answered++;
    socket.send(reply, peer.port, peer.address);
  });

  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      socket.off('error', reject);
      resolve();
    });
  });

  return {
    address: `127.0.0.1:${socket.address().port}`,
    answered: () => answered,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
