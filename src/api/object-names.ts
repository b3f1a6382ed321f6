// Names of the objects the programs find each other by, in one place: the programs use them, and
// the operator renders them into RBAC resourceNames, so a rename cannot open or close a door
// silently.

/** The legacy MetalLB ConfigMap (upstream's `config`), read by name in the operator namespace. */
export const LEGACY_CONFIGMAP = 'config';

/** The controller's leader-election Lease. */
export const CONTROLLER_LEASE = 'metallb-controller';

/** A speaker's layer 2 liveness Lease. */
export const speakerLeaseName = (node: string): string => `metallb-speaker-${node}`.slice(0, 253);

/** Labels of ServiceL2Status / ServiceBGPStatus objects (upstream's): who wrote it, for which Service. */
export const STATUS_NODE_LABEL = 'metallb.io/node';
export const STATUS_SERVICE_NAME_LABEL = 'metallb.io/service-name';
export const STATUS_SERVICE_NAMESPACE_LABEL = 'metallb.io/service-namespace';

/**
 * The Service annotation naming the node that answers ARP/NDP for its IPv4 or IPv6 address. The
 * speakers write ServiceL2Status; the controller, which may patch Services, mirrors it here.
 */
export const layer2NodeAnnotation = (ip: string): string => `metallb.io/layer2-ipv${ip.includes(':') ? 6 : 4}-node`;

/** Upstream's ConfigMap of interfaces layer 2 never answers on (key excludel2.yaml). */
export const EXCLUDEL2_CONFIGMAP = 'metallb-excludel2';

/** The admission webhook's Service and its serving certificate (tls.crt, tls.key; ca.crt when the operator issued it). */
export const WEBHOOK_SERVICE = 'webhook-service';
/** Under OLM (docs/adr/0018): the CSV's webhook Deployment and the Service OLM creates for it (`<deployment>-service`). */
export const OLM_WEBHOOK_DEPLOYMENT = 'metallb-operator-webhook-server';
export const OLM_WEBHOOK_SERVICE = `${OLM_WEBHOOK_DEPLOYMENT}-service`;
export const WEBHOOK_CERT_SECRET = 'webhook-server-cert';
/** The metrics endpoints' Services and certificate Secrets (upstream's names: its ServiceMonitors and docs use them). */
export const CONTROLLER_METRICS_SERVICE = 'controller-monitor-service';
export const SPEAKER_METRICS_SERVICE = 'speaker-monitor-service';
export const CONTROLLER_METRICS_SECRET = 'controller-certs-secret';
export const SPEAKER_METRICS_SECRET = 'speaker-certs-secret';
