// The programs' metrics on prom-client: every family of the catalog (catalog.ts) that belongs to
// the program is registered at start, so an unlabelled series (config_loaded_bool, the error
// counters) is scraped as 0 before anything happens, as upstream. Values mirrored from FRR (its
// own counters) and from the allocator are filled in at scrape time by collectors, so a scrape
// sees FRR's counters as they are, not as the last poll left them.
import { Counter, Gauge, Registry, Summary } from 'prom-client';
import type { LabelValues } from 'prom-client';
import { ALL_METRICS } from './catalog.js';
import type { MetricDef, Program } from './catalog.js';

type Family = Gauge | Counter | Summary;
type Labels<L extends string> = Partial<Record<L, string>>;

export class Metrics {
  readonly registry = new Registry();
  private readonly families = new Map<string, Family>();
  private readonly collectors: (() => Promise<void>)[] = [];
  /** Series set through setSeries(), per family and owner, so an owner replaces only its own. */
  private readonly owned = new Map<string, Map<string, LabelValues<string>>>();

  constructor(readonly program: Program) {
    for (const d of ALL_METRICS) {
      if (!d.programs.includes(program)) continue;
      const base = { name: d.name, help: d.help, labelNames: [...d.labels], registers: [this.registry] };
      this.families.set(d.name, d.type === 'gauge' ? new Gauge(base) : d.type === 'counter' ? new Counter(base) : new Summary({ ...base, percentiles: [0.5, 0.9, 0.99] }));
    }
  }

  private family<F extends Family>(d: MetricDef, kind: new (...a: never[]) => F): F {
    const f = this.families.get(d.name);
    if (!(f instanceof kind)) throw new Error(`metric ${d.name} is not a ${d.type} of the ${this.program}`);
    return f;
  }

  set<L extends string>(d: MetricDef<L>, value: number, labels: Labels<L> = {}): void {
    this.family(d, Gauge).set(labels as LabelValues<string>, value);
  }

  inc<L extends string>(d: MetricDef<L>, labels: Labels<L> = {}, by = 1): void {
    this.family(d, Counter).inc(labels as LabelValues<string>, by);
  }

  /** A counter kept by someone else (FRR): its current value, not an increment. */
  setCounter<L extends string>(d: MetricDef<L>, value: number, labels: Labels<L> = {}): void {
    const c = this.family(d, Counter);
    c.remove(labels as LabelValues<string>);
    c.inc(labels as LabelValues<string>, Math.max(0, value));
  }

  observe<L extends string>(d: MetricDef<L>, value: number, labels: Labels<L> = {}): void {
    this.family(d, Summary).observe(labels as LabelValues<string>, value);
  }

  /**
   * Makes `series` the whole set of this family's series that `owner` holds: new ones are set,
   * ones it held before and no longer lists are removed, others' are left alone (the BGP and the
   * layer 2 path both write metallb_speaker_announced).
   */
  setSeries<L extends string>(d: MetricDef<L>, owner: string, series: readonly { labels: Labels<L>; value: number }[]): void {
    const f = this.families.get(d.name);
    if (!(f instanceof Gauge) && !(f instanceof Counter)) throw new Error(`metric ${d.name} is not a gauge or counter of the ${this.program}`);
    const key = `${d.name}\0${owner}`;
    const before = this.owned.get(key) ?? new Map<string, LabelValues<string>>();
    const now = new Map<string, LabelValues<string>>();
    for (const s of series) now.set(JSON.stringify(Object.entries(s.labels).sort()), s.labels);
    for (const [k, labels] of before) if (!now.has(k)) f.remove(labels);
    for (const s of series) {
      if (f instanceof Gauge) f.set(s.labels as LabelValues<string>, s.value);
      else this.setCounter(d, s.value, s.labels);
    }
    this.owned.set(key, now);
  }

  /** Drops every series of a family (sessions of peers that were removed, skipped objects fixed). */
  reset(d: MetricDef): void {
    const f = this.families.get(d.name);
    if (!f) throw new Error(`metric ${d.name} is not one of the ${this.program}'s`);
    f.reset();
  }

  /** One series' value (a summary: its count), undefined when the series does not exist. */
  async get<L extends string>(d: MetricDef<L>, labels: Labels<L> = {}): Promise<number | undefined> {
    const f = this.families.get(d.name);
    if (!f) return undefined;
    const want = Object.entries(labels);
    const hit = (await f.get()).values.find((v) => {
      if (d.type === 'summary' && (v as { metricName?: string }).metricName !== `${d.name}_count`) return false;
      const have = v.labels as Record<string, string | number | undefined>;
      return want.length === Object.keys(have).length && want.every(([k, x]) => String(have[k]) === x);
    });
    return hit?.value;
  }

  /** Runs before every exposition: fills the series it owns from their source (FRR, the allocator). */
  onCollect(fn: () => Promise<void> | void): void {
    this.collectors.push(async () => fn());
  }

  /** The Prometheus text exposition; a failing collector leaves its families as they were. */
  async text(): Promise<string> {
    await Promise.all(this.collectors.map((c) => c().catch(() => undefined)));
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
