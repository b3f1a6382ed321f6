// The thin adapter over our packet addon (native/packet, docs/adr/0005): interface lookup and raw
// Ethernet sockets, optionally inside another network namespace. Loading it is lazy, so importing
// this module does nothing and programs that never use layer 2 never need the addon.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { repoRoot } from '../../util/repo-root.js';
import { MetalLBError } from '../../util/errors.js';

export interface NetInterface {
  name: string;
  index: number;
  mac: Buffer;
  up: boolean;
  loopback: boolean;
  /** Every IPv6 address on the interface (link-local ones included), 16 bytes each. */
  ipv6: Buffer[];
}

/** What one socket saw: frames past the kernel filter, handed to JS, and dropped by the token bucket. */
export interface PacketStats {
  received: number;
  delivered: number;
  dropped: number;
}

/**
 * How a socket filters: the token bucket in front of JS (native/packet): at most `rate` frames per second after a `burst`.
 * The defaults leave the responder ~2 % of a core in a storm while any real segment's requests
 * for our IPs fit many times over.
 */
export interface PacketOptions {
  rate?: number;
  burst?: number;
  /** 'requests' (default, the responder): ARP requests and NS only; 'neighbor' (probes): ARP replies and NAs too. */
  accept?: 'requests' | 'neighbor';
}

export interface PacketSocket {
  send(frame: Buffer): void;
  /** Joins an IPv6 multicast group on the interface (MLD report; the NIC then passes the group). */
  joinGroup6(group: Buffer): void;
  stats(): PacketStats;
  close(): void;
}

export interface PacketIO {
  interfaces(): NetInterface[];
  /** A raw socket on `ifname` that hands over the ARP requests and Neighbor Solicitations received (never our own; `opts.accept`). */
  open(ifname: string, onFrame: (frame: Buffer) => void, opts?: PacketOptions): PacketSocket;
}

export class PacketError extends MetalLBError {}

interface Addon {
  interfaces(netns: string | null): Partial<NetInterface>[];
  open(ifname: string, netns: string | null, onFrame: (frame: Buffer) => void, opts?: PacketOptions): unknown;
  send(h: unknown, frame: Buffer): number;
  joinGroup6(h: unknown, group: Buffer): void;
  close(h: unknown): void;
  stats(h: unknown): PacketStats;
}

let addon: Addon | undefined;

export const ADDON_PATH = (): string => join(repoRoot(), 'native/packet/build/Release/packet.node');

function load(): Addon {
  if (addon) return addon;
  const path = ADDON_PATH();
  if (!existsSync(path)) throw new PacketError(`${path} is missing: run 'make native' (or 'make build')`);
  try {
    addon = createRequire(import.meta.url)(path) as Addon;
  } catch (err) {
    throw new PacketError(`could not load the packet addon ${path}`, { cause: err });
  }
  return addon;
}

const wrap = <T>(what: string, fn: () => T): T => {
  try {
    return fn();
  } catch (err) {
    throw new PacketError(`${what}: ${(err as Error).message}`, { cause: err });
  }
};

/** Packet I/O in this process's network namespace, or in `netns` (a name under /var/run/netns). */
export function packetIO(netns?: string): PacketIO {
  const ns = netns ?? null;
  return {
    interfaces: () =>
      wrap('list interfaces', () => load().interfaces(ns)).map((i) => ({ name: i.name ?? '', index: i.index ?? 0, mac: i.mac ?? Buffer.alloc(0), up: !!i.up, loopback: !!i.loopback, ipv6: i.ipv6 ?? [] })),
    open(ifname, onFrame, opts) {
      const a = load();
      const h = wrap(`open a packet socket on ${ifname}`, () => a.open(ifname, ns, onFrame, opts));
      let closed = false;
      return {
        send: (frame) => void wrap(`send on ${ifname}`, () => a.send(h, frame)),
        joinGroup6: (group) => wrap(`join a multicast group on ${ifname}`, () => a.joinGroup6(h, group)),
        stats: () => a.stats(h),
        close: () => {
          if (closed) return;
          closed = true;
          a.close(h);
        },
      };
    },
  };
}
