// Every metric the controller and the speaker export: one definition per name (type, help,
// labels, which program, whether upstream MetalLB has it), read by the registry, by the metrics
// reference (docs/reference/metrics.md) and by the test that scrapes every name. Upstream's names,
// types and label names are kept exactly, so its dashboards and alerts work unchanged.
export type Program = 'controller' | 'speaker';

export interface MetricDef<L extends string = string> {
  name: string;
  type: 'gauge' | 'counter' | 'summary';
  help: string;
  labels: readonly L[];
  programs: readonly Program[];
  /** Upstream MetalLB exports it under this name; false: ours only. */
  upstream: boolean;
  /** Only present once something produces it (a session to a peer, an L2 IP, a pool). */
  when?: string;
}

const def = <L extends string>(d: MetricDef<L>): MetricDef<L> => d;
const BOTH: readonly Program[] = ['controller', 'speaker'];
const SPEAKER: readonly Program[] = ['speaker'];
const CONTROLLER: readonly Program[] = ['controller'];
/** Upstream's labels on every FRR session metric: the peer's address (or interface) and its VRF ("default" outside one). */
const PEER = ['peer', 'vrf'] as const;

/** An FRR per-session counter (upstream's FRR-mode names). */
const bgpCounter = (name: string, help: string): MetricDef<(typeof PEER)[number]> =>
  def({ name, type: 'counter', help, labels: PEER, programs: SPEAKER, upstream: true, when: 'a BGP session is configured' });
const bfdCounter = (name: string, help: string): MetricDef<(typeof PEER)[number]> =>
  def({ name, type: 'counter', help, labels: PEER, programs: SPEAKER, upstream: true, when: 'a BFD session is configured' });

export const M = {
  // Kubernetes client (both programs).
  k8sUpdates: def({ name: 'metallb_k8s_client_updates_total', type: 'counter', help: 'Number of k8s object updates that have been processed', labels: [], programs: BOTH, upstream: true }),
  k8sUpdateErrors: def({ name: 'metallb_k8s_client_update_errors_total', type: 'counter', help: 'Number of k8s object updates that failed for some reason', labels: [], programs: BOTH, upstream: true }),
  configLoaded: def({ name: 'metallb_k8s_client_config_loaded_bool', type: 'gauge', help: '1 if the MetalLB configuration was successfully loaded at least once', labels: [], programs: BOTH, upstream: true }),
  configStale: def({
    name: 'metallb_k8s_client_config_stale_bool',
    type: 'gauge',
    help: '1 if running on a stale configuration, because the latest config failed to load',
    labels: [],
    programs: BOTH,
    upstream: true,
  }),

  // Allocator (controller).
  addressesInUse: def({ name: 'metallb_allocator_addresses_in_use_total', type: 'gauge', help: 'Number of IP addresses in use, per pool', labels: ['pool'], programs: CONTROLLER, upstream: true, when: 'a pool exists' }),
  addressesTotal: def({ name: 'metallb_allocator_addresses_total', type: 'gauge', help: 'Number of usable IP addresses, per pool', labels: ['pool'], programs: CONTROLLER, upstream: true, when: 'a pool exists' }),
  allocationFailures: def({ name: 'metallb_allocator_failures_total', type: 'counter', help: 'Allocations that failed (the reason is in an AllocationFailed Event)', labels: [], programs: CONTROLLER, upstream: false }),

  // BGP sessions (speaker, from FRR).
  bgpSessionUp: def({ name: 'metallb_bgp_session_up', type: 'gauge', help: 'BGP session state (1 is up, 0 is down)', labels: PEER, programs: SPEAKER, upstream: true, when: 'a BGP session is configured' }),
  bgpAnnounced: def({
    name: 'metallb_bgp_announced_prefixes_total',
    type: 'gauge',
    help: 'Number of prefixes currently being advertised on the BGP session',
    labels: PEER,
    programs: SPEAKER,
    upstream: true,
    when: 'a BGP session is configured',
  }),
  bgpUpdatesSent: bgpCounter('metallb_bgp_updates_total', 'Number of BGP UPDATE messages sent'),
  bgpUpdatesReceived: bgpCounter('metallb_bgp_updates_total_received', 'Number of BGP UPDATE messages received'),
  bgpOpensSent: bgpCounter('metallb_bgp_opens_sent', 'Number of BGP open messages sent'),
  bgpOpensReceived: bgpCounter('metallb_bgp_opens_received', 'Number of BGP open messages received'),
  bgpNotificationsSent: bgpCounter('metallb_bgp_notifications_sent', 'Number of BGP notification messages sent'),
  bgpKeepalivesSent: bgpCounter('metallb_bgp_keepalives_sent', 'Number of BGP keepalive messages sent'),
  bgpKeepalivesReceived: bgpCounter('metallb_bgp_keepalives_received', 'Number of BGP keepalive messages received'),
  bgpRouteRefreshSent: bgpCounter('metallb_bgp_route_refresh_sent', 'Number of BGP route refresh messages sent'),
  bgpTotalSent: bgpCounter('metallb_bgp_total_sent', 'Number of total BGP messages sent'),
  bgpTotalReceived: bgpCounter('metallb_bgp_total_received', 'Number of total BGP messages received'),

  // BFD sessions (speaker, from FRR's bfdd).
  bfdSessionUp: def({ name: 'metallb_bfd_session_up', type: 'gauge', help: 'BFD session state (1 is up, 0 is down)', labels: PEER, programs: SPEAKER, upstream: true, when: 'a BFD session is configured' }),
  bfdControlIn: bfdCounter('metallb_bfd_control_packet_input', 'Number of received BFD control packets'),
  bfdControlOut: bfdCounter('metallb_bfd_control_packet_output', 'Number of sent BFD control packets'),
  bfdEchoIn: bfdCounter('metallb_bfd_echo_packet_input', 'Number of received BFD echo packets'),
  bfdEchoOut: bfdCounter('metallb_bfd_echo_packet_output', 'Number of sent BFD echo packets'),
  bfdUpEvents: bfdCounter('metallb_bfd_session_up_events', 'Number of BFD session up events'),
  bfdDownEvents: bfdCounter('metallb_bfd_session_down_events', 'Number of BFD session down events'),
  bfdZebraNotifications: bfdCounter('metallb_bfd_zebra_notifications', 'Number of BFD zebra notifications'),
  bfdReregistrations: def({
    name: 'metallb_bfd_reregistrations_total',
    type: 'counter',
    help: 'BFD sessions re-registered by the watchdog (BFD down under an Established session)',
    labels: ['peer'],
    programs: SPEAKER,
    upstream: false,
    when: 'the watchdog acted',
  }),

  // What the speaker announces.
  speakerAnnounced: def({
    name: 'metallb_speaker_announced',
    type: 'gauge',
    help: 'Services being announced from this node. This is desired state, it does not guarantee that the routing protocols have converged.',
    labels: ['ip', 'node', 'protocol', 'service'],
    programs: SPEAKER,
    upstream: true,
    when: 'this node announces a Service',
  }),
  skippedObjects: def({
    name: 'metallb_speaker_skipped_objects',
    type: 'gauge',
    help: 'Objects this node leaves out of its FRR config (1 each), with the reason in a ConfigError Event',
    labels: ['kind', 'name'],
    programs: SPEAKER,
    upstream: false,
    when: 'an object is skipped',
  }),
  configErrors: def({ name: 'metallb_speaker_config_errors', type: 'gauge', help: 'Errors that made the last plan unusable (the last good FRR config is kept); 0 when objects are only skipped (see config_stale_bool)', labels: [], programs: SPEAKER, upstream: false }),
  frrApplyDuration: def({ name: 'metallb_frr_apply_duration_seconds', type: 'summary', help: 'Time to apply a config change to FRR', labels: [], programs: SPEAKER, upstream: false }),
  frrApplyErrors: def({ name: 'metallb_frr_apply_errors_total', type: 'counter', help: 'FRR applies that failed', labels: [], programs: SPEAKER, upstream: false }),

  // Layer 2 (speaker).
  l2Requests: def({ name: 'metallb_layer2_requests_received', type: 'counter', help: 'Number of layer2 requests received for owned IPs', labels: ['ip'], programs: SPEAKER, upstream: true, when: 'an ARP/NDP request for an L2 IP arrived' }),
  l2Responses: def({ name: 'metallb_layer2_responses_sent', type: 'counter', help: 'Number of layer2 responses sent', labels: ['ip'], programs: SPEAKER, upstream: true, when: 'an ARP/NDP request for an L2 IP was answered' }),
  l2Gratuitous: def({ name: 'metallb_layer2_gratuitous_sent', type: 'counter', help: 'Number of gratuitous layer2 packets sent', labels: ['ip'], programs: SPEAKER, upstream: true, when: 'this node took an L2 IP' }),
  l2Dropped: def({
    name: 'metallb_layer2_requests_dropped',
    type: 'gauge',
    help: 'ARP requests / Neighbor Solicitations over the per-interface rate limit, dropped unread',
    labels: ['interface'],
    programs: SPEAKER,
    upstream: false,
    when: 'layer 2 runs',
  }),
  l2AnnouncedIps: def({ name: 'metallb_layer2_announced_ips', type: 'gauge', help: 'IPs this node answers ARP/NDP for', labels: [], programs: SPEAKER, upstream: false, when: 'layer 2 runs' }),
} as const;

export const ALL_METRICS: readonly MetricDef[] = Object.values(M);

/** The series read from FRR per session, replaced as a whole on every scrape. */
export const BGP_SESSION_METRICS: readonly MetricDef[] = ALL_METRICS.filter((d) => d.name.startsWith('metallb_bgp_'));
export const BFD_SESSION_METRICS: readonly MetricDef[] = ALL_METRICS.filter((d) => d.name.startsWith('metallb_bfd_') && d !== M.bfdReregistrations);
