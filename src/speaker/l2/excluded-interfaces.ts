// The interfaces layer 2 never answers on, from the metallb-excludel2 ConfigMap (watched by name,
// so an edit applies within a moment, where upstream reads a mounted file at start). Without the
// ConfigMap the built-in default list applies; a ConfigMap that cannot be read keeps the last good
// list and says why in a Warning Event on it and in the log: a typo never opens the CNI bridges.
import type { Kube, Obj } from '../../k8s/client.js';
import { Informer } from '../../k8s/informer.js';
import type { Logger } from '../../util/log.js';
import { errorMessage } from '../../util/errors.js';
import { EXCLUDEL2_CONFIGMAP } from '../../api/object-names.js';
import { defaultExcludeL2, EXCLUDEL2_KEY, parseExcludeL2 } from '../../api/excludel2.js';

export class ExcludedInterfaces {
  private readonly informer: Informer;
  private current: RegExp[] = defaultExcludeL2();
  private reported = '';

  constructor(private readonly d: { kube: Kube; namespace: string; node: string; log: Logger; onChange: () => void }) {
    this.informer = new Informer(d.kube, { apiVersion: 'v1', kind: 'ConfigMap', namespace: d.namespace, fieldSelector: `metadata.name=${EXCLUDEL2_CONFIGMAP}` }, d.log);
    this.informer.on(() => this.update());
  }

  /** Waits (a moment) for the ConfigMap: an unreadable one (RBAC not re-rendered yet) leaves the defaults. */
  async start(): Promise<void> {
    this.informer.start();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.informer.synced, new Promise((r) => (timer = setTimeout(r, 5000)))]);
    clearTimeout(timer);
  }

  stop(): void {
    this.informer.stop();
  }

  regexps(): readonly RegExp[] {
    return this.current;
  }

  private update(): void {
    const cm = this.informer.get(this.d.namespace, EXCLUDEL2_CONFIGMAP);
    const parsed = cm ? parseExcludeL2((cm['data'] as Record<string, string> | undefined)?.[EXCLUDEL2_KEY]) : { patterns: ['(built-in default)'], regexps: defaultExcludeL2() };
    if ('error' in parsed) {
      if (this.reported !== parsed.error) {
        this.reported = parsed.error;
        this.d.log.warn('metallb-excludel2 ignored; the last good list stays', { event: 'excludel2-error', error: parsed.error });
        void this.warn(cm!, parsed.error);
      }
      return;
    }
    this.reported = '';
    this.current = parsed.regexps;
    this.d.log.info('layer 2 excluded interfaces', { event: 'excludel2', patterns: parsed.patterns });
    this.d.onChange();
  }

  private async warn(cm: Obj, error: string): Promise<void> {
    try {
      await this.d.kube.event({ ...cm, apiVersion: 'v1', kind: 'ConfigMap' }, 'Warning', 'InvalidExcludeL2', `speaker on ${this.d.node}: ${error}; it keeps excluding the interfaces of the last valid list`, 'metallb-speaker');
    } catch (err) {
      this.d.log.warn('could not record event', { event: 'event-error', error: errorMessage(err) });
    }
  }
}
