// The pods lab's certificates and tokens, made with openssl as a cluster installer would: a CA,
// the apiserver's serving certificate (valid for every name pods and the host use for it), the
// apiserver's client certificate toward kubelets (`kubectl exec` and `logs` go through it),
// the front proxy's own CA and client certificate (the aggregation layer: how the apiserver proves
// to OLM's packageserver whom it forwards a request for), service-account keys, and a static token per identity (admin, each node's kubelet as
// system:node:<name>, kube-proxy as system:kube-proxy: the identities RBAC and the Node
// authorizer know).
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './procs.js';

export interface Pki {
  dir: string;
  caCert: string;
  caKey: string;
  apiserverCert: string;
  apiserverKey: string;
  kubeletClientCert: string;
  kubeletClientKey: string;
  frontProxyCaCert: string;
  frontProxyClientCert: string;
  frontProxyClientKey: string;
  saKey: string;
  saPub: string;
  tokensFile: string;
  adminToken: string;
  kubeProxyToken: string;
  /** Each node's kubelet token, by node name. */
  nodeTokens: Record<string, string>;
}

async function openssl(args: string[]): Promise<void> {
  const r = await run('openssl', args);
  if (r.code !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr.trim()}`);
}

/** A key and a certificate signed by the CA (`ext`: the x509v3 extensions, one per line). */
async function issue(dir: string, name: string, subject: string, ext: string[], ca = 'ca'): Promise<void> {
  const extFile = join(dir, `${name}.ext`);
  writeFileSync(extFile, `${ext.join('\n')}\n`);
  await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.csr`), '-subj', subject]);
  await openssl(['x509', '-req', '-in', join(dir, `${name}.csr`), '-CA', join(dir, `${ca}.crt`), '-CAkey', join(dir, `${ca}.key`), '-CAcreateserial', '-out', join(dir, `${name}.crt`), '-days', '30', '-extfile', extFile]);
}

/** The name the apiserver's aggregation proxy client presents (--requestheader-allowed-names). */
export const FRONT_PROXY_CLIENT = 'front-proxy-client';

const token = (): string => randomBytes(24).toString('hex');

/** `apiserverIPs`/`apiserverNames`: every address and name the apiserver is reached by. */
export async function makePki(dir: string, nodes: readonly string[], apiserverIPs: readonly string[], apiserverNames: readonly string[]): Promise<Pki> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.crt'), '-days', '30', '-subj', '/CN=metallb-lab-ca']);
  const san = [...apiserverIPs.map((ip) => `IP:${ip}`), ...apiserverNames.map((n) => `DNS:${n}`)].join(',');
  await issue(dir, 'apiserver', '/CN=kube-apiserver', [`subjectAltName=${san}`, 'extendedKeyUsage=serverAuth']);
  await issue(dir, 'apiserver-kubelet-client', '/O=system:masters/CN=kube-apiserver-kubelet-client', ['extendedKeyUsage=clientAuth']);
  // A CA of its own, as kubeadm makes: a certificate from the cluster CA must not pass as a proxy.
  await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'front-proxy-ca.key'), '-out', join(dir, 'front-proxy-ca.crt'), '-days', '30', '-subj', '/CN=metallb-lab-front-proxy-ca']);
  await issue(dir, 'front-proxy-client', `/CN=${FRONT_PROXY_CLIENT}`, ['extendedKeyUsage=clientAuth'], 'front-proxy-ca');
  await openssl(['genrsa', '-out', join(dir, 'sa.key'), '2048']);
  await openssl(['rsa', '-in', join(dir, 'sa.key'), '-pubout', '-out', join(dir, 'sa.pub')]);
  const pki: Pki = {
    dir,
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    apiserverCert: join(dir, 'apiserver.crt'),
    apiserverKey: join(dir, 'apiserver.key'),
    kubeletClientCert: join(dir, 'apiserver-kubelet-client.crt'),
    kubeletClientKey: join(dir, 'apiserver-kubelet-client.key'),
    frontProxyCaCert: join(dir, 'front-proxy-ca.crt'),
    frontProxyClientCert: join(dir, 'front-proxy-client.crt'),
    frontProxyClientKey: join(dir, 'front-proxy-client.key'),
    saKey: join(dir, 'sa.key'),
    saPub: join(dir, 'sa.pub'),
    tokensFile: join(dir, 'tokens.csv'),
    adminToken: token(),
    kubeProxyToken: token(),
    nodeTokens: Object.fromEntries(nodes.map((n) => [n, token()])),
  };
  // token,user,uid,"group1,group2"
  const rows = [
    `${pki.adminToken},admin,admin-uid,system:masters`,
    `${pki.kubeProxyToken},system:kube-proxy,kube-proxy-uid`,
    ...nodes.map((n) => `${pki.nodeTokens[n]},system:node:${n},node-${n}-uid,system:nodes`),
  ];
  writeFileSync(pki.tokensFile, `${rows.join('\n')}\n`, { mode: 0o600 });
  return pki;
}
