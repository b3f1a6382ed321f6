// Which REST resource serves a kind (its plural name, and whether it is namespaced), learnt from
// the apiserver's discovery document of the kind's group/version and kept for the process's life.
// A kind that is missing is looked up once more: a CRD may have been installed after we started.
export interface ResourceInfo {
  /** The plural, as it appears in paths: `services`, `ipaddresspools`. */
  name: string;
  namespaced: boolean;
}

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

type Fetch = (path: string) => Promise<unknown>;

export const groupVersionPath = (apiVersion: string): string => (apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`);

export class ResourceIndex {
  /** Per apiVersion, the in-flight or finished discovery (shared by concurrent callers). */
  private readonly byVersion = new Map<string, Promise<Map<string, ResourceInfo>>>();

  constructor(private readonly fetch: Fetch) {}

  /** The resource of `kind`, or undefined when the server does not serve it (even after a re-read). */
  async lookup(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    const cached = this.byVersion.get(apiVersion);
    if (cached) {
      try {
        const hit = (await cached).get(kind);
        if (hit) return hit;
      } catch {
        /* asked again below */
      }
      // Another caller may have re-read it meanwhile: use that rather than asking once more.
      const current = this.byVersion.get(apiVersion);
      if (current && current !== cached) return (await current).get(kind);
    }
    return (await this.discover(apiVersion)).get(kind);
  }

  private discover(apiVersion: string): Promise<Map<string, ResourceInfo>> {
    const p = this.fetch(groupVersionPath(apiVersion)).then(
      (body) => {
        const out = new Map<string, ResourceInfo>();
        // Subresources (`services/status`) share the kind of their parent: skip them.
        for (const r of (body as { resources?: ApiResource[] }).resources ?? []) if (!r.name.includes('/')) out.set(r.kind, { name: r.name, namespaced: r.namespaced });
        return out;
      },
      (err: unknown) => {
        // A failed discovery (a 404 for a group whose CRD is not installed yet) is not
        // remembered, so that the next call asks again.
        if (this.byVersion.get(apiVersion) === p) this.byVersion.delete(apiVersion);
        throw err;
      },
    );
    this.byVersion.set(apiVersion, p);
    return p;
  }
}
