// One interface's ARP/NDP responder: answers requests for the IPs it holds, announces an IP when
// it takes it over, and forgets an IP the moment it is removed (the next request goes unanswered).
import { ARP_REQUEST, arpReply, gratuitousArp, parseArp } from './arp.js';
import { ETH_P_ARP, ipBytes, ipText } from './frame.js';
import { neighborAdvertisement, parseNeighborSolicitation, solicitedNode, unsolicitedAdvertisement } from './ndp.js';
import type { NetInterface, PacketIO, PacketSocket } from './raw.js';
import type { Logger } from '../../util/log.js';
import type { Metrics } from '../../metrics/registry.js';
import { M } from '../../metrics/catalog.js';
import { errorMessage } from '../../util/errors.js';

/** Delays of the announcements sent when an IP is taken over: a lost frame is repeated. */
export const ANNOUNCE_DELAYS_MS = [0, 250, 750, 1750];

export class InterfaceResponder {
  private readonly ips = new Map<string, Buffer>();
  private readonly joined = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sock: PacketSocket;
  private droppedReported = 0;

  constructor(
    io: PacketIO,
    private iface: NetInterface,
    private readonly log: Logger,
    private readonly metrics: Metrics,
  ) {
    this.sock = io.open(iface.name, (f) => this.onFrame(f));
  }

  get name(): string {
    return this.iface.name;
  }

  get held(): string[] {
    return [...this.ips.keys()].sort();
  }

  /** Requests the addon's token bucket dropped since the last call, and the total (a storm on the segment). */
  drops(): { total: number; since: number } {
    const total = this.sock.stats().dropped;
    const since = total - this.droppedReported;
    this.droppedReported = total;
    return { total, since };
  }

  /** Interface facts (MAC, addresses) re-read by the announcer. */
  refresh(iface: NetInterface): void {
    this.iface = iface;
  }

  add(ip: string): void {
    if (this.ips.has(ip)) return;
    const bytes = ipBytes(ip);
    this.ips.set(ip, bytes);
    if (bytes.length === 16 && !this.joined.has(ip)) {
      try {
        this.sock.joinGroup6(solicitedNode(bytes));
        this.joined.add(ip);
      } catch (err) {
        this.log.warn('could not join the solicited-node group', { event: 'l2-mld-error', interface: this.name, ip, error: errorMessage(err) });
      }
    }
    for (const d of ANNOUNCE_DELAYS_MS) {
      const t = setTimeout(() => {
        this.timers.delete(t);
        if (this.ips.has(ip)) this.announce(ip, bytes);
      }, d);
      this.timers.add(t);
    }
  }

  remove(ip: string): void {
    this.ips.delete(ip);
  }

  /** One gratuitous ARP / unsolicited NA for every IP held (the periodic repeat). */
  announceAll(): void {
    for (const [ip, bytes] of this.ips) this.announce(ip, bytes);
  }

  close(): void {
    this.ips.clear();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.sock.close();
  }

  private announce(ip: string, bytes: Buffer): void {
    const v6 = bytes.length === 16;
    this.send(v6 ? unsolicitedAdvertisement(bytes, this.iface.mac, bytes) : gratuitousArp(bytes, this.iface.mac));
    this.metrics.inc(M.l2Gratuitous, { ip });
    this.log.debug('announced', { event: 'l2-gratuitous', interface: this.name, ip });
  }

  private send(frame: Buffer): void {
    try {
      this.sock.send(frame);
    } catch (err) {
      this.log.warn('could not send', { event: 'l2-send-error', interface: this.name, error: errorMessage(err) });
    }
  }

  private onFrame(frame: Buffer): void {
    if (this.ips.size === 0 || frame.length < 14) return;
    if (frame.readUInt16BE(12) === ETH_P_ARP) {
      const arp = parseArp(frame);
      // Announcements by others (sender IP = target IP) ask nothing; our own frames never arrive.
      if (!arp || arp.op !== ARP_REQUEST || arp.senderIP.equals(arp.targetIP)) return;
      const ip = ipText(arp.targetIP);
      if (!this.ips.has(ip)) return;
      this.metrics.inc(M.l2Requests, { ip });
      this.send(arpReply(arp, this.iface.mac));
      this.metrics.inc(M.l2Responses, { ip });
      return;
    }
    const ns = parseNeighborSolicitation(frame);
    if (!ns) return;
    const ip = ipText(ns.target);
    const target = this.ips.get(ip);
    if (!target) return;
    this.metrics.inc(M.l2Requests, { ip });
    // From the target itself, as Linux answers for its own addresses (and as ndisc6 expects).
    this.send(neighborAdvertisement(ns, this.iface.mac, target));
    this.metrics.inc(M.l2Responses, { ip });
  }
}
