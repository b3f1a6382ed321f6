// Credential plugins (a user's `exec` or `auth-provider`: cloud CLIs, OIDC) are served by
// @kubernetes/client-node's own implementation rather than a second one of ours: for such a
// kubeconfig, and only then, the package is loaded and its KubeConfig authenticates each request
// (kubeconfig.test.ts runs a real exec plugin through it). The import is dynamic so that a speaker with a token or a
// service account never pays the package's ~55 MB (docs/adr/0009-own-kubernetes-http-client.md).
import type { RequestOptions } from 'node:https';
import type { KubeConfig } from './kubeconfig.js';
import { KubeConfigError } from './kubeconfig.js';

/** Sets headers (and TLS material) on one request's options, as client-node's plugins compute them. */
export type ApplyAuth = (opts: RequestOptions) => Promise<void>;

export async function clientNodeAuth(config: KubeConfig): Promise<ApplyAuth> {
  if (config.source.kind !== 'file') throw new KubeConfigError(`the ${config.user.fallback} credential plugin is only read from a kubeconfig file`);
  const mod = (await import('@kubernetes/client-node')) as typeof import('@kubernetes/client-node') & { default?: typeof import('@kubernetes/client-node') };
  const KubeConfigClass = mod.KubeConfig ?? mod.default?.KubeConfig;
  const kc = new KubeConfigClass();
  kc.loadFromFile(config.source.path);
  // The same context our parser chose, so both agree on the cluster the request goes to.
  kc.setCurrentContext(config.context);
  return (opts) => kc.applyToHTTPSOptions(opts);
}
