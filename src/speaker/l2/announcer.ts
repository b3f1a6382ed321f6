// The layer 2 effector: makes this node's responders hold exactly the (IP, interfaces) pairs the
// planner gave it. Sockets exist only on interfaces that hold an IP, so a node that leads nothing
// sends and listens to nothing; an IP that leaves the plan stops being answered at once.
import { InterfaceResponder } from './responder.js';
import type { NetInterface, PacketIO } from './raw.js';
import type { Logger } from '../../util/log.js';
import type { Metrics } from '../../metrics/registry.js';
import { M } from '../../metrics/catalog.js';
import { errorMessage } from '../../util/errors.js';

export interface L2Desired {
  ip: string;
  /** From the L2Advertisements; empty means every usable interface. */
  interfaces: string[];
}

export interface AnnounceResult {
  /** IPs this node did not answer for before, and now does on at least one interface. */
  gained: string[];
  lost: string[];
  /** IP → interfaces it is answered on. */
  held: Map<string, string[]>;
}

/**
 * Interfaces that can carry ARP/NDP: up, not loopback, with an Ethernet address, in --l2-interfaces
 * when given, and matching none of the excluded patterns (the metallb-excludel2 ConfigMap).
 */
export function usableInterfaces(all: readonly NetInterface[], allowed: readonly string[] | undefined, excluded: readonly RegExp[] = []): NetInterface[] {
  return all
    .filter((i) => i.up && !i.loopback && i.mac.length === 6 && i.mac.some((b) => b !== 0))
    .filter((i) => !allowed || allowed.length === 0 || allowed.includes(i.name))
    .filter((i) => !excluded.some((r) => r.test(i.name)))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** (pure) which interfaces answer for which IPs. */
export function placement(desired: readonly L2Desired[], usable: readonly NetInterface[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const d of desired) {
    const on = d.interfaces.length === 0 ? usable : usable.filter((i) => d.interfaces.includes(i.name));
    for (const i of on) {
      const set = out.get(i.name) ?? new Set<string>();
      set.add(d.ip);
      out.set(i.name, set);
    }
  }
  return out;
}

export interface AnnouncerOptions {
  /** --l2-interfaces: the only interfaces layer 2 may use (default: all usable ones). */
  allowed?: readonly string[];
  /** The metallb-excludel2 patterns now in force (read on every apply, so an edit applies at once). */
  excluded?: () => readonly RegExp[];
  /**
   * MetalLB speakerGratuitousARPInterval: every IP held is announced again this often, for
   * switches and hosts that age their ARP/neighbour entries out (0: only on take-over).
   */
  gratuitousIntervalMs?: number;
}

export class Announcer {
  private readonly responders = new Map<string, InterfaceResponder>();
  private repeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly io: PacketIO,
    private readonly log: Logger,
    private readonly metrics: Metrics,
    private readonly o: AnnouncerOptions = {},
  ) {
    const gratuitousIntervalMs = o.gratuitousIntervalMs ?? 0;
    if (gratuitousIntervalMs > 0) {
      this.repeat = setInterval(() => {
        for (const r of this.responders.values()) r.announceAll();
      }, gratuitousIntervalMs);
      this.repeat.unref();
    }
  }

  private heldMap(): Map<string, string[]> {
    const m = new Map<string, string[]>();
    for (const r of this.responders.values()) for (const ip of r.held) m.set(ip, [...(m.get(ip) ?? []), r.name]);
    return m;
  }

  apply(desired: readonly L2Desired[]): AnnounceResult {
    const before = this.heldMap();
    let usable: NetInterface[] = [];
    try {
      usable = usableInterfaces(desired.length > 0 ? this.io.interfaces() : [], this.o.allowed, this.o.excluded?.() ?? []);
    } catch (err) {
      this.log.error('could not list interfaces', { event: 'l2-interfaces-error', error: errorMessage(err) });
    }
    const want = placement(desired, usable);
    // Removals first, so an IP that moves between interfaces is never answered twice.
    for (const [name, r] of [...this.responders]) {
      const ips = want.get(name);
      if (!ips) {
        r.close();
        this.responders.delete(name);
        continue;
      }
      for (const ip of r.held) if (!ips.has(ip)) r.remove(ip);
    }
    for (const [name, ips] of want) {
      const iface = usable.find((i) => i.name === name)!;
      let r = this.responders.get(name);
      if (r) r.refresh(iface);
      else {
        try {
          r = new InterfaceResponder(this.io, iface, this.log, this.metrics);
          this.responders.set(name, r);
        } catch (err) {
          this.log.error('could not open a packet socket', { event: 'l2-socket-error', interface: name, error: errorMessage(err) });
          continue;
        }
      }
      for (const ip of [...ips].sort()) r.add(ip);
    }
    // apply() also runs on the periodic resync, so a storm is reported within one resync interval.
    for (const [name, r] of this.responders) {
      const d = r.drops();
      this.metrics.set(M.l2Dropped, d.total, { interface: name });
      if (d.since > 0) this.log.warn('ARP/NDP requests over the rate limit were dropped (a storm on this segment?)', { event: 'l2-rate-limited', interface: name, dropped: d.since });
    }
    const held = this.heldMap();
    const gained = [...held.keys()].filter((ip) => !before.has(ip)).sort();
    const lost = [...before.keys()].filter((ip) => !held.has(ip)).sort();
    for (const ip of gained) this.log.info('announcing', { event: 'l2-take-over', ip, interfaces: held.get(ip) });
    for (const ip of lost) this.log.info('stopped announcing', { event: 'l2-release', ip });
    this.metrics.set(M.l2AnnouncedIps, held.size);
    return { gained, lost, held };
  }

  close(): void {
    if (this.repeat) clearInterval(this.repeat);
    for (const r of this.responders.values()) r.close();
    this.responders.clear();
  }
}
