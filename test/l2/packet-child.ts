// Child processes of packet-addon.test.ts: what must run outside the test runner's process, either
// because it loads another build of the addon (AddressSanitizer), floods in parallel with the
// receiver, or lets an exception escape to 'uncaughtException'. Each prints one JSON line.
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { packetIO } from '../../src/speaker/l2/raw.js';
import { arpRequest } from '../../src/speaker/l2/arp.js';
import { ipBytes, parseMAC } from '../../src/speaker/l2/frame.js';

interface RawAddon {
  open(ifname: string, netns: string | null, onFrame: (f: Buffer) => void): unknown;
  send(h: unknown, frame: Buffer): number;
  joinGroup6(h: unknown, group: Buffer): void;
  close(h: unknown): void;
  stats(h: unknown): unknown;
}

const attempt = (f: () => unknown): string => {
  try {
    f();
    return 'ok';
  } catch (err) {
    return (err as Error).message;
  }
};
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

const FLOOD_MAC = '02:4c:32:00:0f:01';
/** A request from the flooding side for an address nobody holds (nothing answers it). */
export const floodFrame = (): Buffer => arpRequest(parseMAC(FLOOD_MAC), ipBytes('192.168.99.2'), ipBytes('192.168.99.200'));

/** Every call on handles that are closed, or were never closed and got collected; no crash. */
async function afterClose(addonPath: string, netns: string): Promise<unknown> {
  const a = createRequire(import.meta.url)(addonPath) as RawAddon;
  const h = a.open('eth0', netns, () => {});
  a.close(h);
  await tick();
  await tick(); // libuv has run the close callback: the old addon freed the handle's memory here
  const calls = [() => a.send(h, Buffer.alloc(60)), () => a.joinGroup6(h, Buffer.alloc(16)), () => a.stats(h), () => a.close(h)].map(attempt);
  // Handles dropped without close(), and closed ones dropped: collection frees both, in any order.
  for (let i = 0; i < 200; i++) {
    const x = a.open('eth0', netns, () => {});
    if (i % 2 === 0) a.close(x);
  }
  for (let i = 0; i < 5; i++) {
    gc();
    await sleep(20);
  }
  return { calls, survived: true };
}

/** Sends `count` requests from `netns` as fast as it can, for at most `maxMs`. */
async function flood(netns: string, count: number, maxMs: number): Promise<unknown> {
  const sock = packetIO(netns).open('eth0', () => {});
  const frame = floodFrame();
  const start = Date.now();
  let sent = 0;
  while (sent < count && Date.now() - start < maxMs) {
    for (let i = 0; i < 500 && sent < count; i++, sent++) {
      try {
        sock.send(frame);
      } catch {
        sent--; // ENOBUFS: the queue is full; yield and go on
        break;
      }
    }
    await tick();
  }
  sock.close();
  return { sent, ms: Date.now() - start };
}

/** A callback that throws on its first frame: the throw reaches 'uncaughtException', later frames still arrive. */
async function throwing(nsA: string, nsB: string): Promise<unknown> {
  let uncaught = 0;
  let message = '';
  process.on('uncaughtException', (err) => {
    uncaught++;
    message = err.message;
  });
  let calls = 0;
  const rx = packetIO(nsA).open('eth0', () => {
    calls++;
    if (calls === 1) throw new Error('boom from onFrame');
  });
  const tx = packetIO(nsB).open('eth0', () => {});
  for (let i = 0; i < 5; i++) {
    tx.send(floodFrame());
    await sleep(50);
  }
  await sleep(200);
  rx.close();
  tx.close();
  return { uncaught, message, calls };
}

const [mode, ...args] = process.argv.slice(2);
const result = mode === 'after-close' ? await afterClose(args[0]!, args[1]!) : mode === 'flood' ? await flood(args[0]!, Number(args[1]), Number(args[2])) : mode === 'throwing' ? await throwing(args[0]!, args[1]!) : { error: `unknown mode ${mode}` };
process.stdout.write(`${JSON.stringify(result)}\n`);
