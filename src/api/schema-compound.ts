// Arrays, maps and objects of the schema language (see schema.ts).
import { Schema, joinPath } from './schema.js';
import type { JSONSchema, Problem } from './schema.js';

export type Infer<S> = S extends Schema<infer T> ? T : never;
// `any` because Schema<T> is invariant in T (its rules both take and check T).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySchema = Schema<any>;
export type Shape = Record<string, AnySchema>;
type Pretty<T> = { [K in keyof T]: T[K] } & {};
export type ObjectOf<P extends Shape, R extends keyof P> = Pretty<
  { [K in R]: Infer<P[K]> } & { [K in Exclude<keyof P, R>]?: Infer<P[K]> }
>;

export interface ArrOpts {
  description?: string;
  minItems?: number;
  maxItems?: number;
  /** `set` makes the apiserver reject duplicate items; `map` merges items by key under SSA. */
  listType?: 'atomic' | 'set' | 'map';
  /** With listType map: the fields that identify an item (each writer owns its own items). */
  listMapKeys?: string[];
}

export class ArrSchema<T> extends Schema<T[]> {
  constructor(
    readonly items: Schema<T>,
    private readonly o: ArrOpts = {},
  ) {
    super(o);
  }
  body(): JSONSchema {
    const b: JSONSchema = { type: 'array', items: this.items.toJSON() };
    if (this.o.minItems !== undefined) b['minItems'] = this.o.minItems;
    if (this.o.maxItems !== undefined) b['maxItems'] = this.o.maxItems;
    if (this.o.listType) b['x-kubernetes-list-type'] = this.o.listType;
    if (this.o.listMapKeys) b['x-kubernetes-list-map-keys'] = this.o.listMapKeys;
    return b;
  }
  check(v: unknown, path: string, out: Problem[]): void {
    if (!Array.isArray(v)) return void out.push({ path, message: 'must be a list' });
    if (this.o.minItems !== undefined && v.length < this.o.minItems) out.push({ path, message: `must have at least ${this.o.minItems} item(s)` });
    if (this.o.maxItems !== undefined && v.length > this.o.maxItems) out.push({ path, message: `must have at most ${this.o.maxItems} items` });
    if (this.o.listType === 'set') {
      const seen = new Set<string>();
      v.forEach((item, i) => {
        const key = JSON.stringify(item);
        if (seen.has(key)) out.push({ path: `${path}[${i}]`, message: `duplicate value ${key}` });
        seen.add(key);
      });
    }
    v.forEach((item, i) => this.items.validate(item, `${path}[${i}]`, out));
  }
  override withDefaults(v: unknown): unknown {
    return Array.isArray(v) ? v.map((item) => this.items.withDefaults(item)) : v;
  }
}

export class MapSchema<T> extends Schema<Record<string, T>> {
  constructor(
    readonly values: Schema<T>,
    common: { description?: string } = {},
  ) {
    super(common);
  }
  body(): JSONSchema {
    return { type: 'object', additionalProperties: this.values.toJSON() };
  }
  check(v: unknown, path: string, out: Problem[]): void {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return void out.push({ path, message: 'must be a map' });
    for (const [k, item] of Object.entries(v)) this.values.validate(item, joinPath(path, k), out);
  }
}

export interface ObjOpts<R> {
  description?: string;
  required?: readonly R[];
}

export class ObjSchema<P extends Shape, R extends keyof P & string> extends Schema<ObjectOf<P, R>> {
  readonly required: readonly R[];
  constructor(
    readonly props: P,
    o: ObjOpts<R> = {},
  ) {
    super(o);
    this.required = o.required ?? [];
  }
  body(): JSONSchema {
    const properties: Record<string, JSONSchema> = {};
    for (const [k, s] of Object.entries(this.props)) properties[k] = s.toJSON();
    const b: JSONSchema = { type: 'object', properties };
    if (this.required.length > 0) b['required'] = [...this.required];
    return b;
  }
  check(v: unknown, path: string, out: Problem[]): void {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return void out.push({ path, message: 'must be an object' });
    const obj = v as Record<string, unknown>;
    for (const r of this.required) {
      if (obj[r] === undefined || obj[r] === null) out.push({ path: joinPath(path, r), message: 'Required value' });
    }
    for (const [k, item] of Object.entries(obj)) {
      const s = this.props[k];
      if (s === undefined) {
        // The apiserver prunes unknown fields silently; offline we say so, since it is almost
        // always a typo (`peerAdress`) that would otherwise vanish without a trace.
        out.push({ path: joinPath(path, k), message: `unknown field "${k}"` });
        continue;
      }
      if (item === null || item === undefined) continue;
      s.validate(item, joinPath(path, k), out);
    }
  }
  override withDefaults(v: unknown): unknown {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
    const obj: Record<string, unknown> = { ...(v as Record<string, unknown>) };
    for (const [k, s] of Object.entries(this.props)) {
      if (obj[k] === undefined) {
        const d = (s as unknown as { defaultValue?: unknown }).defaultValue;
        if (d !== undefined) obj[k] = d;
      } else {
        obj[k] = s.withDefaults(obj[k]);
      }
    }
    return obj;
  }
  /** A new object schema with only some of this one's properties (rules are not carried over). */
  pick<K extends keyof P & string, R2 extends K>(keys: readonly K[], o: ObjOpts<R2> = {}): ObjSchema<Pick<P, K>, R2> {
    const props = {} as Pick<P, K>;
    for (const k of keys) props[k] = this.props[k];
    return new ObjSchema(props, o);
  }
}
