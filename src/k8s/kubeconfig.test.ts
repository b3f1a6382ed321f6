import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfigError, SERVICE_ACCOUNT_DIR, loadKubeConfig, parseKubeConfig } from './kubeconfig.js';
import { KubeHttp } from './http.js';
import { FakeApiServer, sendJSON } from '../../test/helpers/fake-apiserver.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'metallb-kubeconfig-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const b64 = (s: string): string => Buffer.from(s).toString('base64');

function kubeconfig(cluster: string, user: string, extra = ''): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: other
  cluster: {server: "https://wrong.example:6443"}
- name: c
  cluster:
${cluster.replace(/^/gm, '    ')}
users:
- name: other
  user: {token: wrong}
- name: u
  user:
${user.replace(/^/gm, '    ')}
contexts:
- name: other
  context: {cluster: other, user: other}
- name: ctx
  context: {cluster: c, user: u, namespace: team}
current-context: ctx
${extra}`;
}

test('a token user: the current context picks the cluster and user, the CA comes from its -data field', () => {
  const kc = parseKubeConfig(kubeconfig(`server: https://10.1.2.3:6443/\ncertificate-authority-data: ${b64('CA PEM')}`, 'token: s3cret'), '/etc/k/config');
  assert.equal(kc.server, 'https://10.1.2.3:6443');
  assert.equal(kc.context, 'ctx');
  assert.equal(kc.namespace, 'team');
  assert.deepEqual(kc.source, { kind: 'file', path: '/etc/k/config' });
  assert.equal(kc.authorization(), 'Bearer s3cret');
  const tls = kc.tlsOptions();
  assert.equal(tls.ca?.toString(), 'CA PEM');
  assert.equal(tls.rejectUnauthorized, true);
  assert.equal(tls.cert, undefined);
  assert.equal(kc.user.fallback, undefined);
});

test('client certificate and key data; insecure-skip-tls-verify and tls-server-name', () => {
  const kc = parseKubeConfig(
    kubeconfig('server: https://api:6443\ninsecure-skip-tls-verify: true\ntls-server-name: kubernetes.default', `client-certificate-data: ${b64('CERT')}\nclient-key-data: ${b64('KEY')}`),
    '/k',
  );
  const tls = kc.tlsOptions();
  assert.equal(tls.cert?.toString(), 'CERT');
  assert.equal(tls.key?.toString(), 'KEY');
  assert.equal(tls.rejectUnauthorized, false);
  assert.equal(tls.servername, 'kubernetes.default');
  assert.equal(kc.authorization(), undefined);
  assert.match(kc.securityWarnings().join(), /insecure-skip-tls-verify is set for https:\/\/api:6443: the apiserver's certificate is not checked/);
});

test('security warnings: a token over plain http://, nothing for a verified https:// server', () => {
  const plain = parseKubeConfig(kubeconfig('server: http://10.0.0.1:8080', 'token: s3cret'), '/k');
  assert.deepEqual(plain.securityWarnings(), ['http://10.0.0.1:8080 is plain http://: the bearer token is sent unencrypted with every request']);
  assert.ok(!plain.securityWarnings().join().includes('s3cret'));
  const basic = parseKubeConfig(kubeconfig('server: http://10.0.0.1:8080', 'username: a\npassword: b'), '/k');
  assert.match(basic.securityWarnings().join(), /the password is sent unencrypted/);
  assert.deepEqual(parseKubeConfig(kubeconfig(`server: https://10.1.2.3:6443\ncertificate-authority-data: ${b64('CA')}`, 'token: t'), '/k').securityWarnings(), []);
  assert.deepEqual(parseKubeConfig(kubeconfig('server: http://127.0.0.1:8080', 'username: a'), '/k').securityWarnings().length, 1);
});

test('relative file paths resolve against the kubeconfig directory', () => {
  const d = join(dir, 'relative');
  mkdirSync(join(d, 'pki'), { recursive: true });
  writeFileSync(join(d, 'pki', 'ca.crt'), 'CA FROM FILE');
  writeFileSync(join(d, 'pki', 'client.crt'), 'CERT FROM FILE');
  writeFileSync(join(d, 'pki', 'client.key'), 'KEY FROM FILE');
  writeFileSync(join(d, 'token'), 'file-token\n');
  writeFileSync(join(d, 'config'), kubeconfig('server: https://api:6443\ncertificate-authority: pki/ca.crt', 'client-certificate: pki/client.crt\nclient-key: ./pki/client.key\ntokenFile: token'));
  const kc = loadKubeConfig(join(d, 'config'), { env: {} });
  assert.equal(kc.tlsOptions().ca?.toString(), 'CA FROM FILE');
  assert.equal(kc.tlsOptions().cert?.toString(), 'CERT FROM FILE');
  assert.equal(kc.tlsOptions().key?.toString(), 'KEY FROM FILE');
  assert.equal(kc.user.tokenFile, join(d, 'token'));
  assert.equal(kc.authorization(), 'Bearer file-token');
});

test('username and password become basic auth', () => {
  const kc = parseKubeConfig(kubeconfig('server: https://api', 'username: admin\npassword: pw'), '/k');
  assert.equal(kc.authorization(), `Basic ${b64('admin:pw')}`);
});

test('exec and auth-provider users are marked for the client-node fallback', () => {
  const exec = parseKubeConfig(kubeconfig('server: https://api', 'exec:\n  apiVersion: client.authentication.k8s.io/v1beta1\n  command: aws\n  args: [eks, get-token]'), '/k');
  assert.equal(exec.user.fallback, 'exec');
  const ap = parseKubeConfig(kubeconfig('server: https://api', 'auth-provider:\n  name: oidc\n  config: {}'), '/k');
  assert.equal(ap.user.fallback, 'auth-provider');
});

test('in cluster: the service env and the service account files under an injected root', () => {
  const root = join(dir, 'pod');
  const sa = join(root, SERVICE_ACCOUNT_DIR);
  mkdirSync(sa, { recursive: true });
  writeFileSync(join(sa, 'token'), 'token-1\n');
  writeFileSync(join(sa, 'ca.crt'), 'CLUSTER CA');
  writeFileSync(join(sa, 'namespace'), 'metallb-system');
  let now = 1_000_000;
  const env = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };
  const kc = loadKubeConfig(undefined, { env, root, home: join(dir, 'no-home'), now: () => now });
  assert.deepEqual(kc.source, { kind: 'in-cluster', root });
  assert.equal(kc.server, 'https://10.96.0.1:443');
  assert.equal(kc.namespace, 'metallb-system');
  assert.equal(kc.tlsOptions().ca?.toString(), 'CLUSTER CA');
  assert.equal(kc.authorization(), 'Bearer token-1');
  // the kubelet rotates the token: it is re-read, but at most once a minute
  writeFileSync(join(sa, 'token'), 'token-2\n');
  now += 30_000;
  assert.equal(kc.authorization(), 'Bearer token-1');
  now += 31_000;
  assert.equal(kc.authorization(), 'Bearer token-2');
  // a token file that vanished for a moment does not break requests
  rmSync(join(sa, 'token'));
  now += 61_000;
  assert.equal(kc.authorization(), 'Bearer token-2');

  writeFileSync(join(sa, 'token'), 'token-3');
  const v6 = loadKubeConfig(undefined, { env: { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '6443' }, root });
  assert.equal(v6.server, 'https://[fd00::1]:6443');
});

test('precedence: the explicit file, then $KUBECONFIG (its first existing file), then in-cluster, then ~/.kube/config', () => {
  const root = join(dir, 'pod2');
  mkdirSync(join(root, SERVICE_ACCOUNT_DIR), { recursive: true });
  writeFileSync(join(root, SERVICE_ACCOUNT_DIR, 'token'), 't');
  const home = join(dir, 'home');
  mkdirSync(join(home, '.kube'), { recursive: true });
  writeFileSync(join(home, '.kube', 'config'), kubeconfig('server: https://home', 'token: h'));
  const a = join(dir, 'a.kubeconfig');
  writeFileSync(a, kubeconfig('server: https://from-env', 'token: e'));
  const explicit = join(dir, 'explicit.kubeconfig');
  writeFileSync(explicit, kubeconfig('server: https://explicit', 'token: x'));
  const inCluster = { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' };

  assert.equal(loadKubeConfig(explicit, { env: { KUBECONFIG: a, ...inCluster }, root, home }).server, 'https://explicit');
  assert.equal(loadKubeConfig(undefined, { env: { KUBECONFIG: `${join(dir, 'missing')}:${a}`, ...inCluster }, root, home }).server, 'https://from-env');
  assert.equal(loadKubeConfig(undefined, { env: inCluster, root, home }).server, 'https://10.0.0.1:443');
  assert.equal(loadKubeConfig(undefined, { env: {}, root, home }).server, 'https://home');
  // the service env without a token file is not a pod with a service account
  assert.equal(loadKubeConfig(undefined, { env: inCluster, root: join(dir, 'nowhere'), home }).server, 'https://home');
});

test('clear errors: a missing file, no current context, an unknown context, nothing to load', () => {
  assert.throws(() => loadKubeConfig(join(dir, 'missing'), { env: {} }), (e: unknown) => e instanceof KubeConfigError && /cannot read the kubeconfig .*missing/.test(e.message));
  assert.throws(() => parseKubeConfig(kubeconfig('server: https://api', 'token: t').replace('current-context: ctx', ''), '/k'), (e: unknown) => e instanceof KubeConfigError && /no current-context/.test(e.message));
  assert.throws(() => parseKubeConfig(kubeconfig('server: https://api', 'token: t').replace('current-context: ctx', 'current-context: gone'), '/k'), (e: unknown) => e instanceof KubeConfigError && /current-context gone is not among/.test(e.message));
  assert.throws(() => parseKubeConfig(kubeconfig('insecure-skip-tls-verify: true', 'token: t'), '/k'), (e: unknown) => e instanceof KubeConfigError && /has no server/.test(e.message));
  assert.throws(() => parseKubeConfig('clusters: [', '/k'), (e: unknown) => e instanceof KubeConfigError && /not valid YAML/.test(e.message));
  assert.throws(() => loadKubeConfig(undefined, { env: { KUBECONFIG: join(dir, 'nope') } }), (e: unknown) => e instanceof KubeConfigError && /\$KUBECONFIG/.test(e.message));
  assert.throws(() => loadKubeConfig(undefined, { env: {}, root: join(dir, 'nowhere'), home: join(dir, 'nohome') }), (e: unknown) => e instanceof KubeConfigError && /no kubeconfig/.test(e.message));
});

test('an exec user authenticates through client-node, which runs the plugin', async () => {
  const server = await FakeApiServer.start();
  try {
    server.route = (_req, res) => sendJSON(res, 200, { kind: 'APIVersions', versions: ['v1'] });
    const plugin = `process.stdout.write(JSON.stringify({apiVersion:'client.authentication.k8s.io/v1beta1',kind:'ExecCredential',status:{token:'from-plugin'}}))`;
    const file = join(dir, 'exec.kubeconfig');
    writeFileSync(file, kubeconfig(`server: "${server.url}"`, `exec:\n  apiVersion: client.authentication.k8s.io/v1beta1\n  command: ${JSON.stringify(process.execPath)}\n  args: ["-e", ${JSON.stringify(plugin)}]\n  interactiveMode: Never`));
    const kc = loadKubeConfig(file, { env: {} });
    assert.equal(kc.user.fallback, 'exec');
    const http = new KubeHttp(kc);
    await http.json('GET', '/api');
    http.close();
    assert.equal(server.requests[0]?.headers['authorization'], 'Bearer from-plugin');
  } finally {
    await server.close();
  }
});
