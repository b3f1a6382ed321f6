// The packet addon itself (native/packet/packet.c) against real sockets in two namespaces joined by
// a veth pair: handles that outlive close(), the kernel filter, names too long to be true, a
// throwing callback, and a bounded flood that the token bucket must cut before JavaScript.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Lab } from '../../src/lab/netns.js';
import { repoRoot } from '../../src/util/repo-root.js';
import { packetIO } from '../../src/speaker/l2/raw.js';
import type { PacketOptions, PacketSocket } from '../../src/speaker/l2/raw.js';
import { ARP_REQUEST, arpReply, arpRequest, gratuitousArp, parseArp } from '../../src/speaker/l2/arp.js';
import { neighborSolicitation, NS_TYPE, parseNeighborSolicitation, unsolicitedAdvertisement } from '../../src/speaker/l2/ndp.js';
import { ETH_P_ARP, ipBytes, parseMAC } from '../../src/speaker/l2/frame.js';
import { sleep } from '../../src/lab/procs.js';

const run = promisify(execFile);
const CHILD = join(repoRoot(), 'dist/test/l2/packet-child.js');
const MAC_A = parseMAC('02:4c:32:00:0a:01');
const MAC_B = parseMAC('02:4c:32:00:0b:01');
let lab: Lab | undefined;
let nsA = '';
let nsB = '';
const skip = process.getuid?.() !== 0 ? 'needs root (network namespaces)' : false;

before(async () => {
  if (skip) return;
  lab = new Lab('pkt');
  nsA = await lab.namespace('pa');
  nsB = await lab.namespace('pb');
  await lab.veth(nsA, 'eth0', nsB, 'eth0');
  await lab.exec(nsA, ['ip', 'link', 'set', 'eth0', 'address', '02:4c:32:00:0a:01']);
  await lab.exec(nsB, ['ip', 'link', 'set', 'eth0', 'address', '02:4c:32:00:0b:01']);
});
after(() => lab?.destroySync());

const child = async (args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Record<string, unknown>> => {
  const { stdout } = await run(process.execPath, ['--expose-gc', CHILD, ...args], { env, timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
};

/** Opens a receiving socket in A that records every frame; closed by the caller. */
function receiver(opts?: PacketOptions): { sock: PacketSocket; frames: Buffer[] } {
  const frames: Buffer[] = [];
  const sock = packetIO(nsA).open('eth0', (f) => frames.push(f), opts);
  return { sock, frames };
}

test('a handle stays safe after close() and after collection (AddressSanitizer build of the addon)', { skip }, async () => {
  // The same packet.c, built with -fsanitize=address: the old addon freed the handle's memory in
  // libuv's close callback, so a later send() on it was a heap-use-after-free ASan reports.
  const libasan = execFileSync('gcc', ['-print-file-name=libasan.so'], { encoding: 'utf8' }).trim();
  assert.ok(existsSync(libasan), `AddressSanitizer's runtime (${libasan}) comes with gcc, which node-gyp needs anyway`);
  const dir = mkdtempSync(join(tmpdir(), 'mlb-asan-'));
  try {
    const addon = join(dir, 'packet.node');
    const include = join(dirname(process.execPath), '..', 'include', 'node');
    execFileSync('gcc', ['-shared', '-fPIC', '-O1', '-g', '-fsanitize=address', '-fno-omit-frame-pointer', '-DNAPI_VERSION=8', `-I${include}`, join(repoRoot(), 'native/packet/packet.c'), '-o', addon]);
    let out: Record<string, unknown>;
    try {
      out = await child(['after-close', addon, nsA], { ...process.env, LD_PRELOAD: libasan, ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=0' });
    } catch (err) {
      assert.fail(`the ASan build failed: ${String((err as { stderr?: string }).stderr ?? err).split('\n').slice(0, 6).join('\n')}`);
    }
    assert.deepEqual(out, { calls: ['packet socket is closed', 'packet socket is closed', 'ok', 'ok'], survived: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('only ARP requests and Neighbor Solicitations pass the kernel filter (replies and NAs too for a probe)', { skip }, async () => {
  const { sock, frames } = receiver({ rate: 1e6, burst: 1e6 });
  const probe = receiver({ rate: 1e6, burst: 1e6, accept: 'neighbor' });
  const tx = packetIO(nsB).open('eth0', () => {});
  try {
    const req = arpRequest(MAC_B, ipBytes('192.168.99.2'), ipBytes('192.168.99.1'));
    const sent = {
      request: req,
      gratuitous: gratuitousArp(ipBytes('192.168.99.2'), MAC_B),
      reply: arpReply(parseArp(arpRequest(MAC_A, ipBytes('192.168.99.1'), ipBytes('192.168.99.2')))!, MAC_B),
      solicitation: neighborSolicitation(MAC_B, ipBytes('fc00:99::2'), ipBytes('fc00:99::1')),
      advertisement: unsolicitedAdvertisement(ipBytes('fc00:99::2'), MAC_B, ipBytes('fc00:99::2')),
      // an IPv4 frame to A's MAC (UDP header bytes do not matter to the filter)
      ipv4: Buffer.concat([MAC_A, MAC_B, Buffer.from([0x08, 0x00]), Buffer.alloc(46, 0x45)]),
    };
    for (let i = 0; i < 10; i++) for (const f of Object.values(sent)) tx.send(f);
    const deadline = Date.now() + 3000;
    while (frames.length < 30 && Date.now() < deadline) await sleep(20);
    await sleep(200); // anything else that was going to arrive has
    const kind = (f: Buffer): string => {
      if (f.readUInt16BE(12) === ETH_P_ARP) {
        const a = parseArp(f)!;
        return a.op === ARP_REQUEST ? (a.senderIP.equals(a.targetIP) ? 'gratuitous' : 'request') : 'reply';
      }
      return parseNeighborSolicitation(f) ? 'solicitation' : f[54] === NS_TYPE + 1 ? 'advertisement' : 'other';
    };
    const counts = (fs: Buffer[]): Record<string, number> => {
      const out: Record<string, number> = { request: 0, gratuitous: 0, solicitation: 0, reply: 0, advertisement: 0, other: 0 };
      for (const f of fs) out[kind(f)]! += 1;
      return out;
    };
    assert.deepEqual(counts(frames), { request: 10, gratuitous: 10, solicitation: 10, reply: 0, advertisement: 0, other: 0 });
    assert.deepEqual(sock.stats(), { received: 30, delivered: 30, dropped: 0 });
    assert.deepEqual(counts(probe.frames), { request: 10, gratuitous: 10, solicitation: 10, reply: 10, advertisement: 10, other: 0 });
  } finally {
    sock.close();
    probe.sock.close();
    tx.close();
  }
});

test('an interface or namespace name that does not fit is refused, never truncated into another one', { skip }, () => {
  assert.throws(() => packetIO(nsA).open('eth0123456789abc', () => {}), /longer than 15 bytes/);
  // Cut at 255 bytes this path would name namespace A: the old addon opened a socket there.
  const fill = 255 - '/var/run/netns/'.length - nsA.length;
  const path = `/var/run/netns/${'./'.repeat(Math.floor(fill / 2))}${fill % 2 ? '/' : ''}${nsA}`;
  const tooLong = `${path}-and-then-something-else`;
  assert.equal(path.length, 255);
  assert.ok(existsSync(path), `${path} is namespace A`);
  assert.throws(() => packetIO(tooLong).open('eth0', () => {}), /longer than 255 bytes/);
  assert.throws(() => packetIO(tooLong).interfaces(), /longer than 255 bytes/);
  assert.throws(() => packetIO(nsA).open('eth0', () => {}, { rate: 0 }), /rate and opts.burst must be numbers/);
  assert.throws(() => packetIO(nsA).open('eth0', () => {}, { accept: 'everything' as 'neighbor' }), /opts.accept must be "requests" or "neighbor"/);
});

test('a callback that throws reaches uncaughtException once and later frames still arrive', { skip }, async () => {
  // The old addon left the exception pending: every later Node-API call failed, no frame arrived.
  const out = await child(['throwing', nsA, nsB]);
  assert.deepEqual(out, { uncaught: 1, message: 'boom from onFrame', calls: 5 });
});

test('a request flood is cut by the token bucket before JavaScript; the event loop keeps its timers', { skip }, async () => {
  const RATE = 500;
  const BURST = 50;
  const { sock, frames } = receiver({ rate: RATE, burst: BURST });
  let maxGapMs = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
  }, 10);
  const start = performance.now();
  try {
    const out = await child(['flood', nsB, '40000', '5000']);
    await sleep(300);
    const elapsedS = (performance.now() - start) / 1000;
    const st = sock.stats();
    const sent = out['sent'] as number;
    assert.ok(sent >= 1000, `the flood sent ${sent} frames`);
    assert.equal(st.delivered, frames.length, 'every frame counted as delivered reached the callback');
    assert.equal(st.received, st.delivered + st.dropped);
    assert.ok(st.delivered <= BURST + Math.ceil(RATE * elapsedS) + 1, `${st.delivered} frames reached JS in ${elapsedS.toFixed(2)} s (bucket: ${BURST} + ${RATE}/s)`);
    assert.ok(st.dropped > 0, `the bucket dropped ${st.dropped} of ${st.received}`);
    // Reported, not asserted (no timing thresholds in tests): bench/ measures it side by side.
    process.stdout.write(`# flood: sent ${sent} in ${String(out['ms'])} ms, received ${st.received}, delivered ${st.delivered}, dropped ${st.dropped}, longest timer gap ${maxGapMs.toFixed(1)} ms\n`);
  } finally {
    clearInterval(timer);
    sock.close();
  }
});
