import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { sntpTimeSource } from '../src/adapters/sntp.ts';
import { SourceError } from '../src/ports/errors.ts';
import { startSntpServer, type FakeSntpServer } from './fakes/sntp-server.ts';

/** A UDP port nothing listens on: bound, read, released. */
async function closedUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}

describe('the SNTP time source against a loopback SNTP server', () => {
  let server: FakeSntpServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('measures a server 2.5 s ahead as +2500 ms (the bot is behind)', async () => {
    server = await startSntpServer({ offsetMs: 2500 });
    const offset = await sntpTimeSource(server.address, { timeoutMs: 2000 }).offsetMs();
    expect(offset).toBeGreaterThan(2450);
    expect(offset).toBeLessThan(2550);
    expect(server.answered()).toBe(1);
  });

  it('measures a server 4 s behind as about −4000 ms', async () => {
    server = await startSntpServer({ offsetMs: -4000 });
    const offset = await sntpTimeSource(server.address, { timeoutMs: 2000 }).offsetMs();
    expect(Math.abs(offset + 4000)).toBeLessThan(50);
  });

  it('measures the clock it is given, across the 2036 NTP era rollover', async () => {
    const shift = Date.UTC(2040, 0, 1) - Date.now();
    server = await startSntpServer({ offsetMs: shift + 1234 });
    const offset = await sntpTimeSource(server.address, { timeoutMs: 2000, now: () => Date.now() + shift }).offsetMs();
    expect(Math.abs(offset - 1234)).toBeLessThan(50);
  });

  it('reads a kiss-of-death (stratum 0) as a SourceError naming its code', async () => {
    server = await startSntpServer({ offsetMs: 0, stratum: 0, kissCode: 'RATE' });
    const failure = sntpTimeSource(server.address, { timeoutMs: 2000 }).offsetMs();
    await expect(failure).rejects.toThrow(SourceError);
    await expect(failure).rejects.toThrow(/kiss-of-death: RATE/);
  });

  it('refuses an unsynchronised server (stratum 16)', async () => {
    server = await startSntpServer({ offsetMs: 0, stratum: 16 });
    await expect(sntpTimeSource(server.address, { timeoutMs: 2000 }).offsetMs()).rejects.toThrow(/not synchronised \(stratum 16\)/);
  });

  it('fails with a SourceError at once when nothing listens on the port', async () => {
    const address = `127.0.0.1:${await closedUdpPort()}`;
    const started = performance.now();
    const failure = sntpTimeSource(address, { timeoutMs: 300 }).offsetMs();
    await expect(failure).rejects.toThrow(SourceError);
    await expect(failure).rejects.toThrow(`NTP server ${address} is unreachable`);
    expect(performance.now() - started).toBeLessThan(300);
  });

  it('fails with a SourceError after the timeout when the server stays silent', async () => {
    const silent = await udpResponder(() => undefined);
    try {
      const started = performance.now();
      await expect(sntpTimeSource(silent.address, { timeoutMs: 300 }).offsetMs()).rejects.toThrow(`NTP server ${silent.address} did not answer within 300 ms`);
      expect(performance.now() - started).toBeGreaterThanOrEqual(295);
      expect(performance.now() - started).toBeLessThan(1000);
    } finally {
      await silent.close();
    }
  });

  it('refuses an answer that is not a server reply to this request', async () => {
    const echo = await udpResponder((request) => request);
    const asServer = await udpResponder((request) => {
      const reply = Buffer.from(request);
      reply.writeUInt8(0x24, 0); // LI 0, VN 4, mode 4
      reply.writeUInt8(2, 1); // stratum 2; originate left zero
      return reply;
    });
    try {
      await expect(sntpTimeSource(echo.address, { timeoutMs: 2000 }).offsetMs()).rejects.toThrow(/answered in mode 3, not as a server/);
      await expect(sntpTimeSource(asServer.address, { timeoutMs: 2000 }).offsetMs()).rejects.toThrow(/originate timestamp that is not our request/);
    } finally {
      await echo.close();
      await asServer.close();
    }
  });
});

/** A bare loopback UDP socket answering each datagram with `answer(datagram)`, or not at all. */
async function udpResponder(answer: (datagram: Buffer) => Buffer | undefined): Promise<{ address: string; close(): Promise<void> }> {
  const socket = createSocket('udp4');
  socket.on('message', (datagram, peer) => {
    const reply = answer(datagram);
    if (reply) socket.send(reply, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${socket.address().port}`,
    close: () => new Promise<void>((resolve) => socket.close(resolve)),
  };
}
