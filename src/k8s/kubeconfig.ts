// Where the programs find the apiserver and their credentials: an explicit kubeconfig file,
// $KUBECONFIG, the in-cluster service account, or ~/.kube/config, in that order. We parse the
// kubeconfig ourselves (js-yaml) so that a speaker never loads @kubernetes/client-node; a user
// entry that needs a credential plugin (exec, auth-provider) is marked for the fallback in
// auth-fallback.ts, which loads client-node only then (docs/adr/0009-own-kubernetes-http-client.md).
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import yaml from 'js-yaml';
import { MetalLBError } from '../util/errors.js';

/** The kubeconfig cannot be found, read or understood; the message says which and where. */
export class KubeConfigError extends MetalLBError {}

/** Where a configuration came from: auth-fallback.ts loads client-node's KubeConfig from the same. */
export type KubeConfigSource = { kind: 'file'; path: string } | { kind: 'in-cluster'; root: string };

export interface ClusterConfig {
  server: string;
  /** PEM of the CA that signs the apiserver's certificate (from the file or the -data field). */
  ca?: Buffer;
  insecureSkipTLSVerify: boolean;
  tlsServerName?: string;
}

export interface UserConfig {
  token?: string;
  tokenFile?: string;
  cert?: Buffer;
  key?: Buffer;
  username?: string;
  password?: string;
  /** A credential plugin we do not implement: requests authenticate through client-node. */
  fallback?: 'exec' | 'auth-provider';
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** Prefix of the service account paths (tests point it at a temporary directory). */
  root?: string;
  home?: string;
  now?: () => number;
}

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
/** Bound service account tokens are rotated by the kubelet; client-go re-reads them as often. */
const TOKEN_REREAD_MS = 60_000;

export class KubeConfig {
  private token: { value: string; readAt: number } | undefined;

  constructor(
    readonly source: KubeConfigSource,
    readonly context: string,
    readonly cluster: ClusterConfig,
    readonly user: UserConfig,
    readonly namespace: string | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  get server(): string {
    return this.cluster.server;
  }

  /** What makes this connection unsafe, for the program to say at start (it is honoured, never silently). */
  securityWarnings(): string[] {
    const out: string[] = [];
    if (this.cluster.insecureSkipTLSVerify) {
      out.push(`insecure-skip-tls-verify is set for ${this.server}: the apiserver's certificate is not checked, so anyone on the path can impersonate it and read our credentials`);
    }
    const credentials = this.user.token !== undefined || this.user.tokenFile !== undefined || this.user.username !== undefined;
    if (this.server.startsWith('http://') && credentials) {
      out.push(`${this.server} is plain http://: the ${this.user.username !== undefined ? 'password' : 'bearer token'} is sent unencrypted with every request`);
    }
    return out;
  }

  /** TLS settings shared by every connection to the apiserver (the https.Agent's options). */
  tlsOptions(): { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized: boolean; servername?: string } {
    return {
      ...(this.cluster.ca ? { ca: this.cluster.ca } : {}),
      ...(this.user.cert ? { cert: this.user.cert } : {}),
      ...(this.user.key ? { key: this.user.key } : {}),
      rejectUnauthorized: !this.cluster.insecureSkipTLSVerify,
      ...(this.cluster.tlsServerName ? { servername: this.cluster.tlsServerName } : {}),
    };
  }

  /** The Authorization header of the next request, if the user has a token or a password. */
  authorization(): string | undefined {
    const token = this.currentToken();
    if (token) return `Bearer ${token}`;
    if (this.user.username !== undefined) return `Basic ${Buffer.from(`${this.user.username}:${this.user.password ?? ''}`).toString('base64')}`;
    return undefined;
  }

  private currentToken(): string | undefined {
    if (this.user.token) return this.user.token;
    const file = this.user.tokenFile;
    if (!file) return undefined;
    const now = this.now();
    if (this.token && now - this.token.readAt < TOKEN_REREAD_MS) return this.token.value;
    try {
      this.token = { value: readFileSync(file, 'utf8').trim(), readAt: now };
    } catch (err) {
      // A token that was readable once stays in use: the kubelet swaps the file atomically, and a
      // still-valid old token beats failing every request.
      if (!this.token) throw new KubeConfigError(`cannot read the token file ${file}: ${(err as Error).message}`, { cause: err });
      this.token.readAt = now;
    }
    return this.token.value;
  }
}

/** Loads the configuration of `path`, or of $KUBECONFIG, the service account or ~/.kube/config. */
export function loadKubeConfig(path?: string, opts: LoadOptions = {}): KubeConfig {
  const env = opts.env ?? process.env;
  if (path) return loadFile(path, opts);
  const listed = (env['KUBECONFIG'] ?? '').split(delimiter).filter(Boolean);
  if (listed.length > 0) {
    const found = listed.find((f) => existsSync(f));
    if (!found) throw new KubeConfigError(`none of the files in $KUBECONFIG exists: ${listed.join(', ')}`);
    return loadFile(found, opts);
  }
  const inCluster = loadInCluster(opts);
  if (inCluster) return inCluster;
  const home = join(opts.home ?? homedir(), '.kube', 'config');
  if (existsSync(home)) return loadFile(home, opts);
  throw new KubeConfigError(`no kubeconfig: pass --kubeconfig FILE, set $KUBECONFIG, run in a pod with a service account, or create ${home}`);
}

function loadFile(path: string, opts: LoadOptions): KubeConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new KubeConfigError(`cannot read the kubeconfig ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseKubeConfig(text, resolve(path), opts.now);
}

/** The pod's service account, when the kubelet put one there and the service env is set. */
function loadInCluster(opts: LoadOptions): KubeConfig | undefined {
  const env = opts.env ?? process.env;
  const host = env['KUBERNETES_SERVICE_HOST'];
  const port = env['KUBERNETES_SERVICE_PORT'];
  const root = opts.root ?? '';
  const dir = `${root}${SERVICE_ACCOUNT_DIR}`;
  if (!host || !port || !existsSync(join(dir, 'token'))) return undefined;
  const caFile = join(dir, 'ca.crt');
  const nsFile = join(dir, 'namespace');
  const cluster: ClusterConfig = { server: `https://${host.includes(':') ? `[${host}]` : host}:${port}` /* only an IPv6 address has a ':' */, insecureSkipTLSVerify: false };
  if (existsSync(caFile)) cluster.ca = readData(caFile, 'the service account CA');
  const namespace = existsSync(nsFile) ? readFileSync(nsFile, 'utf8').trim() : undefined;
  return new KubeConfig({ kind: 'in-cluster', root }, 'in-cluster', cluster, { tokenFile: join(dir, 'token') }, namespace, opts.now);
}

type Named<K extends string> = { name?: string } & { [key in K]?: Record<string, unknown> };

/** Parses a kubeconfig's text; relative file paths in it resolve against `file`'s directory. */
export function parseKubeConfig(text: string, file: string, now?: () => number): KubeConfig {
  let doc: unknown;
  try {
    doc = yaml.load(text);
  } catch (err) {
    throw new KubeConfigError(`${file}: not valid YAML: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
  if (typeof doc !== 'object' || doc === null) throw new KubeConfigError(`${file}: not a kubeconfig (no clusters, users, contexts)`);
  const cfg = doc as { 'current-context'?: string; contexts?: Named<'context'>[]; clusters?: Named<'cluster'>[]; users?: Named<'user'>[] };
  const dir = dirname(file);
  const abs = (p: string): string => (isAbsolute(p) ? p : join(dir, p));
  const current = cfg['current-context'];
  if (!current) throw new KubeConfigError(`${file}: no current-context is set`);
  const ctx = (cfg.contexts ?? []).find((c) => c.name === current)?.context;
  if (!ctx) throw new KubeConfigError(`${file}: the current-context ${current} is not among its contexts`);
  const clusterName = str(ctx['cluster']);
  const c = (cfg.clusters ?? []).find((x) => x.name === clusterName)?.cluster;
  if (!c) throw new KubeConfigError(`${file}: context ${current} names cluster ${clusterName ?? '(none)'}, which is not defined`);
  const server = str(c['server']);
  if (!server) throw new KubeConfigError(`${file}: cluster ${clusterName} has no server`);
  if (c['proxy-url']) throw new KubeConfigError(`${file}: cluster ${clusterName} uses proxy-url, which is not supported`);
  const cluster: ClusterConfig = { server: server.replace(/\/+$/, ''), insecureSkipTLSVerify: c['insecure-skip-tls-verify'] === true };
  const caData = str(c['certificate-authority-data']);
  const caFile = str(c['certificate-authority']);
  if (caData) cluster.ca = Buffer.from(caData, 'base64');
  else if (caFile) cluster.ca = readData(abs(caFile), `cluster ${clusterName}'s certificate-authority`);
  const sni = str(c['tls-server-name']);
  if (sni) cluster.tlsServerName = sni;

  const userName = str(ctx['user']);
  // A context without a user is anonymous access (a plain http://localhost:8080 proxy, say).
  const u = userName === undefined ? {} : (cfg.users ?? []).find((x) => x.name === userName)?.user;
  if (!u) throw new KubeConfigError(`${file}: context ${current} names user ${userName}, which is not defined`);
  const user: UserConfig = {};
  if (u['exec']) user.fallback = 'exec';
  else if (u['auth-provider']) user.fallback = 'auth-provider';
  const token = str(u['token']);
  const tokenFile = str(u['tokenFile']);
  if (token) user.token = token;
  else if (tokenFile) user.tokenFile = abs(tokenFile);
  const certData = str(u['client-certificate-data']);
  const certFile = str(u['client-certificate']);
  if (certData) user.cert = Buffer.from(certData, 'base64');
  else if (certFile) user.cert = readData(abs(certFile), `user ${userName}'s client-certificate`);
  const keyData = str(u['client-key-data']);
  const keyFile = str(u['client-key']);
  if (keyData) user.key = Buffer.from(keyData, 'base64');
  else if (keyFile) user.key = readData(abs(keyFile), `user ${userName}'s client-key`);
  if (!user.cert !== !user.key) throw new KubeConfigError(`${file}: user ${userName} has a client certificate without its key, or a key without its certificate`);
  const username = str(u['username']);
  if (username !== undefined) {
    user.username = username;
    const password = str(u['password']);
    if (password !== undefined) user.password = password;
  }
  return new KubeConfig({ kind: 'file', path: file }, current, cluster, user, str(ctx['namespace']), now);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function readData(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new KubeConfigError(`cannot read ${what} ${path}: ${(err as Error).message}`, { cause: err });
  }
}
