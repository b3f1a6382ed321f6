// A small Prometheus registry (text exposition format 0.0.4): gauges and counters with labels,
// and a summary of durations as _sum/_count. Enough for our programs; no dependency.
import { createServer } from 'node:http';
import type { Server } from 'node:http';

type Labels = Record<string, string>;
const fmt = (labels: Labels): string => {
  const entries = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? '' : `{${entries.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`;
};

interface Family {
  help: string;
  type: 'gauge' | 'counter' | 'summary';
  values: Map<string, { labels: Labels; value: number; count?: number }>;
}

export class Metrics {
  private readonly families = new Map<string, Family>();

  private family(name: string, type: Family['type'], help: string): Family {
    let f = this.families.get(name);
    if (!f) {
      f = { help, type, values: new Map() };
      this.families.set(name, f);
    }
    return f;
  }

  set(name: string, help: string, value: number, labels: Labels = {}): void {
    this.family(name, 'gauge', help).values.set(fmt(labels), { labels, value });
  }

  inc(name: string, help: string, labels: Labels = {}, by = 1): void {
    const f = this.family(name, 'counter', help);
    const k = fmt(labels);
    const cur = f.values.get(k);
    f.values.set(k, { labels, value: (cur?.value ?? 0) + by });
  }

  observe(name: string, help: string, value: number, labels: Labels = {}): void {
    const f = this.family(name, 'summary', help);
    const k = fmt(labels);
    const cur = f.values.get(k);
    f.values.set(k, { labels, value: (cur?.value ?? 0) + value, count: (cur?.count ?? 0) + 1 });
  }

  /** Drops every series of a gauge (e.g. sessions of peers that were removed). */
  reset(name: string): void {
    this.families.get(name)?.values.clear();
  }

  get(name: string, labels: Labels = {}): number | undefined {
    return this.families.get(name)?.values.get(fmt(labels))?.value;
  }

  text(): string {
    const out: string[] = [];
    for (const [name, f] of [...this.families].sort(([a], [b]) => a.localeCompare(b))) {
      out.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`);
      for (const v of f.values.values()) {
        if (f.type === 'summary') {
          out.push(`${name}_sum${fmt(v.labels)} ${v.value}`, `${name}_count${fmt(v.labels)} ${v.count ?? 0}`);
        } else out.push(`${name}${fmt(v.labels)} ${v.value}`);
      }
    }
    return `${out.join('\n')}\n`;
  }
}

/**
 * Serves /metrics, /healthz (liveness: healthy()) and /readyz (readiness: ready(), by default the
 * same) on host:port. They differ where a process is alive but not yet useful to its Service (the
 * controller before its admission webhook serves): not ready keeps it out of the endpoints
 * without the kubelet restarting it.
 */
export function serveMetrics(metrics: Metrics, port: number, host: string, healthy: () => boolean, ready: () => boolean = healthy): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === '/metrics') {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
      res.end(metrics.text());
    } else if (req.url === '/healthz' || req.url === '/readyz') {
      const ok = req.url === '/healthz' ? healthy() : ready();
      res.writeHead(ok ? 200 : 503);
      res.end(ok ? 'ok\n' : 'not ready\n');
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
