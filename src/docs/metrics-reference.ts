// docs/reference/metrics.md (pure): every metric of src/metrics/catalog.ts with its type, labels,
// program and whether upstream MetalLB has it, plus how to scrape them. `metallb generate-crds`
// writes it beside the API reference; its --check (and a unit test) fails when it differs.
import type { MetricDef } from '../metrics/catalog.js';

const INTRO = `# Metrics reference

Generated from \`src/metrics/catalog.ts\` by \`metallb generate-crds\`; do not edit.

The controller and every speaker serve Prometheus metrics on port 7472 (\`--metrics-address\`).
The names, types and labels of upstream MetalLB are kept, so its dashboards and alerts apply
unchanged; the rows marked "ours" are extra. Families with labels appear once something
produces them (a configured session, a pool, an IP answered); the others are there from the
start, at 0.

## Scraping

- **Where:** the headless Services \`controller-monitor-service\` and \`speaker-monitor-service\`
  (port \`metrics\`), one endpoint per pod. Where the \`monitoring.coreos.com\` CRDs exist (OpenShift
  monitoring, kube-prometheus), the operator creates the ServiceMonitors \`controller-monitor\` and
  \`speaker-monitor\` and the PrometheusRule \`metallb-alerts\` (upstream's alerts:
  MetalLBStaleConfig, MetalLBConfigNotLoaded, MetalLBAddressPoolExhausted,
  MetalLBAddressPoolUsage75/85/95Percent, MetalLBBGPSessionDown). The operator discovers the CRDs
  when it starts: restart it after installing a Prometheus operator.
- **TLS and who may read them:** by default (\`metallb operator --metrics-tls on\`) the programs
  serve HTTPS, with a certificate from OpenShift's service-ca where it runs, else one the operator
  issues into the Secrets \`controller-certs-secret\` / \`speaker-certs-secret\` (\`ca.crt\` is the CA to
  trust, the ServiceMonitor names it). \`/metrics\` answers only a bearer token the apiserver
  accepts (TokenReview) for a user allowed \`get\` on the non-resource URL \`/metrics\`
  (SubjectAccessReview), as kube-rbac-proxy does: 401 without a valid token, 403 for another user.
  OpenShift's \`prometheus-k8s\` holds that right; elsewhere grant it:

  \`\`\`yaml
  apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRole
  metadata: {name: metallb-metrics-reader}
  rules: [{nonResourceURLs: [/metrics], verbs: [get]}]
  \`\`\`

  \`/healthz\` and \`/readyz\` need no token (the kubelet sends none; they answer 200 "ok", or 503 "not ready").
- **By hand,** from a pod that trusts the CA:
  \`curl --cacert ca.crt -H "Authorization: Bearer $TOKEN" https://speaker-monitor-service.metallb-system.svc:7472/metrics\`
  with \`TOKEN=$(oc create token prometheus-k8s -n openshift-monitoring)\` (the name must be the
  Service's, the certificate is issued for it; a speaker pod answers on its node's address).
- **Session labels:** \`peer\` is the neighbor as FRR shows it (the BGPPeer's \`peerAddress\`, or its
  \`interface\` for an unnumbered session), \`vrf\` is \`default\` outside a VRF. Upstream's FRR mode writes
  \`peer\` as \`address:port\`; here it is the address alone, which is what the BGPPeer says.
- **Staleness:** \`metallb_k8s_client_config_stale_bool\` is 1 while the latest configuration is not
  all in force: on a speaker, while it leaves an object out (the object has a ConfigError Event and a
  \`metallb_speaker_skipped_objects\` series) or FRR refused the last apply; on the controller, while
  a pool is unusable (an InvalidPool Event). Only the leading controller replica exports the pool
  series.
`;

const cell = (s: string): string => s.replace(/\|/g, '\\|');

export function metricsReference(defs: readonly MetricDef[]): string {
  const rows = defs.map((d) => `| \`${d.name}\` | ${d.type} | ${d.labels.length ? d.labels.map((l) => `\`${l}\``).join(', ') : '—'} | ${d.programs.join(', ')} | ${d.upstream ? 'upstream' : 'ours'} | ${cell(d.help)}${d.when ? ` (once ${d.when})` : ''} |`);
  return `${INTRO}
## Metrics

| name | type | labels | served by | origin | meaning |
| --- | --- | --- | --- | --- | --- |
${rows.join('\n')}
`;
}
