// BGPPeer `status.established`: "2/3" = sessions Established / nodes that peer with this router.
// Each speaker writes only its own node's entry of `status.sessions` (a list map keyed by node),
// and a printer column can show only one value: `.status.sessions[*].state` printed the first
// node's state, so `kubectl get bgppeer` said Established while another node's session was down.
// The count needs one writer that sees every entry: the controller (it elects a leader).
import type { Kube, Obj } from '../k8s/client.js';
import type { Logger } from '../util/log.js';
import { errorMessage } from '../util/errors.js';

interface SessionEntry {
  state?: string;
}

/** "Established/total" over the speakers' entries; "0/0" when no node peers with this router. */
export function establishedSummary(sessions: SessionEntry[] | undefined): string {
  const all = sessions ?? [];
  return `${all.filter((s) => s.state === 'Established').length}/${all.length}`;
}

export class PeerSummaryWriter {
  constructor(
    private readonly kube: Kube,
    private readonly namespace: string,
    private readonly log: Logger,
  ) {}

  /** Writes `status.established` of one BGPPeer if it is not what its sessions say (so idle = no writes). */
  async write(peer: Obj | undefined): Promise<void> {
    if (!peer?.metadata?.name) return;
    const status = (peer['status'] ?? {}) as { sessions?: SessionEntry[]; established?: string };
    const want = establishedSummary(status.sessions);
    if (status.established === want) return;
    try {
      await this.kube.patchStatus({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', name: peer.metadata.name, namespace: this.namespace }, { established: want });
    } catch (err) {
      this.log.warn('could not update BGPPeer status', { event: 'peer-status-error', peer: peer.metadata.name, error: errorMessage(err) });
    }
  }
}
