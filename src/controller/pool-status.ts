// IPAddressPool status (assigned/available per family), written only when it changed.
import type { Kube, Obj } from '../k8s/client.js';
import type { PoolUsage } from './ipam/types.js';
import type { Logger } from '../util/log.js';
import { errorMessage } from '../util/errors.js';

const INT64_MAX = 9223372036854775807n;

export class PoolStatusWriter {
  private readonly written = new Map<string, string>();
  constructor(
    private readonly kube: Kube,
    private readonly namespace: string,
    private readonly log: Logger,
  ) {}

  async write(pools: Obj[], usage: (name: string) => PoolUsage | undefined): Promise<void> {
    for (const p of pools) {
      const name = p.metadata?.name ?? '';
      const u = usage(name);
      if (!u) continue;
      const status = {
        assignedIPv4: u.assignedIPv4,
        assignedIPv6: u.assignedIPv6,
        // an IPv4 count always fits; IPv6 counts are decimal strings (a /64 holds 2^64)
        availableIPv4: Number(u.availableIPv4 > INT64_MAX ? INT64_MAX : u.availableIPv4),
        availableIPv6: u.availableIPv6.toString(),
      };
      const fp = JSON.stringify(status);
      const cur = p['status'] as Record<string, unknown> | undefined;
      if (this.written.get(name) === fp || (cur && JSON.stringify({ assignedIPv4: cur['assignedIPv4'], assignedIPv6: cur['assignedIPv6'], availableIPv4: cur['availableIPv4'], availableIPv6: cur['availableIPv6'] }) === fp)) {
        this.written.set(name, fp);
        continue;
      }
      try {
        await this.kube.patchStatus({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', name, namespace: this.namespace }, status);
        this.written.set(name, fp);
      } catch (err) {
        this.log.warn('could not update pool status', { event: 'pool-status-error', pool: name, error: errorMessage(err) });
      }
    }
  }
}
