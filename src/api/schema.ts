// A small schema language: one definition per API kind yields the TypeScript type (Infer<>), the
// OpenAPI v3 schema of the CRD (toJSON), and an offline validator/defaulter for YAML read by the
// offline commands. CEL rules carry a TypeScript twin (`check`); test/integration proves against
// the real kube-apiserver (1.33, and 1.27 with the webhook) that both reject the same objects, so
// the rules are stated once per kind.

export interface JSONSchema {
  [key: string]: unknown;
}

/** A CEL rule for `x-kubernetes-validations`, plus the same predicate in TypeScript. */
export interface Rule<T> {
  rule: string;
  message: string;
  /**
   * JSONPath relative to the node: where the offline validator and the webhook report it. Not
   * written into the CRD: Kubernetes < 1.28 refuses the field (strict decoding), so there the
   * apiserver names the parent object and the message names the field.
   */
  fieldPath?: string;
  check: (self: T) => boolean;
}

/**
 * CEL's IP and CIDR libraries (isIP, ip(), isCIDR, cidr()) exist from Kubernetes 1.31 only; we
 * support 1.27 (OpenShift 4.14). A rule that uses them is not written into the CRD: the admission
 * webhook applies its TypeScript twin (src/webhook/admission.ts), the offline validator too.
 */
const NEEDS_CEL_IP_LIBRARY = /\b(?:isIP|isCIDR|ip|cidr)\(/;

/** Whether the CRD carries this rule (else only the webhook and the offline validator check it). */
export const inCRD = (r: Pick<Rule<unknown>, 'rule'>): boolean => !NEEDS_CEL_IP_LIBRARY.test(r.rule);

export interface Problem {
  path: string;
  message: string;
}

interface Common {
  description?: string;
}

export abstract class Schema<T> {
  /** Phantom field carrying the TypeScript type; never set at run time. */
  declare readonly _type: T;
  protected rules: Rule<T>[] = [];
  constructor(protected readonly common: Common = {}) {}

  /** Adds a cross-field rule (CEL + TypeScript twin). */
  rule(r: Rule<T>): this {
    this.rules.push(r);
    return this;
  }

  abstract body(): JSONSchema;
  abstract check(value: unknown, path: string, out: Problem[]): void;

  toJSON(): JSONSchema {
    const out: JSONSchema = {};
    // What only the webhook checks is still said where users read the schema (kubectl explain, the API reference).
    const webhookOnly = this.rules.filter((r) => !inCRD(r)).map((r) => r.message);
    const own = this.common.description && webhookOnly.length ? this.common.description.replace(/([^.])$/, '$1.') : this.common.description;
    const description = [own, ...(webhookOnly.length ? [`Checked by the admission webhook: ${webhookOnly.join('; ')}.`] : [])].filter(Boolean).join(' ');
    if (description) out['description'] = description;
    Object.assign(out, this.body());
    const rules = this.rules.filter(inCRD);
    if (rules.length > 0) out['x-kubernetes-validations'] = rules.map((r): JSONSchema => ({ rule: r.rule, message: r.message }));
    return out;
  }

  validate(value: unknown, path: string, out: Problem[]): void {
    const before = out.length;
    this.check(value, path, out);
    if (out.length > before) return; // rules assume a well-typed value, as the apiserver does
    for (const r of this.rules) {
      if (!r.check(value as T)) out.push({ path: r.fieldPath ? joinPath(path, r.fieldPath.replace(/^\./, '')) : path, message: r.message });
    }
  }

  /** Fills in schema defaults, as the apiserver does on write. Returns a new value. */
  withDefaults(value: unknown): unknown {
    return value;
  }
}

export function joinPath(base: string, key: string): string {
  return base === '' ? key : `${base}.${key}`;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

// ---- scalars ---------------------------------------------------------------------------------

export interface StrOpts<E extends string> extends Common {
  enum?: readonly E[];
  pattern?: string;
  /** Shown instead of the raw regular expression in offline errors. */
  patternHint?: string;
  minLength?: number;
  maxLength?: number;
  default?: E;
}

export class StrSchema<E extends string = string> extends Schema<E> {
  constructor(private readonly o: StrOpts<E> = {}) {
    super(o);
  }
  body(): JSONSchema {
    const b: JSONSchema = { type: 'string' };
    if (this.o.enum) b['enum'] = [...this.o.enum];
    if (this.o.pattern !== undefined) b['pattern'] = this.o.pattern;
    if (this.o.minLength !== undefined) b['minLength'] = this.o.minLength;
    if (this.o.maxLength !== undefined) b['maxLength'] = this.o.maxLength;
    if (this.o.default !== undefined) b['default'] = this.o.default;
    return b;
  }
  check(v: unknown, path: string, out: Problem[]): void {
    if (typeof v !== 'string') return void out.push({ path, message: `must be a string, got ${typeName(v)}` });
    if (this.o.enum && !this.o.enum.includes(v as E)) out.push({ path, message: `Unsupported value: "${v}": supported values: ${this.o.enum.map((e) => `"${e}"`).join(', ')}` });
    if (this.o.minLength !== undefined && v.length < this.o.minLength) out.push({ path, message: `must be at least ${this.o.minLength} characters` });
    if (this.o.maxLength !== undefined && v.length > this.o.maxLength) out.push({ path, message: `must be at most ${this.o.maxLength} characters` });
    if (this.o.pattern !== undefined && !new RegExp(this.o.pattern, 'u').test(v)) out.push({ path, message: this.o.patternHint ?? `must match ${this.o.pattern}` });
  }
  override withDefaults(v: unknown): unknown {
    return v;
  }
  get defaultValue(): E | undefined {
    return this.o.default;
  }
}

export interface NumOpts extends Common {
  minimum?: number;
  maximum?: number;
  default?: number;
  format?: 'int32' | 'int64';
}

export class IntSchema extends Schema<number> {
  constructor(private readonly o: NumOpts = {}) {
    super(o);
  }
  body(): JSONSchema {
    const b: JSONSchema = { type: 'integer' };
    if (this.o.format) b['format'] = this.o.format;
    if (this.o.minimum !== undefined) b['minimum'] = this.o.minimum;
    if (this.o.maximum !== undefined) b['maximum'] = this.o.maximum;
    if (this.o.default !== undefined) b['default'] = this.o.default;
    return b;
  }
  check(v: unknown, path: string, out: Problem[]): void {
    if (typeof v !== 'number' || !Number.isInteger(v)) return void out.push({ path, message: `must be an integer, got ${typeName(v)}` });
    if (this.o.minimum !== undefined && v < this.o.minimum) out.push({ path, message: `must be greater than or equal to ${this.o.minimum}` });
    if (this.o.maximum !== undefined && v > this.o.maximum) out.push({ path, message: `must be less than or equal to ${this.o.maximum}` });
  }
  get defaultValue(): number | undefined {
    return this.o.default;
  }
}

export class BoolSchema extends Schema<boolean> {
  constructor(private readonly o: Common & { default?: boolean } = {}) {
    super(o);
  }
  body(): JSONSchema {
    const b: JSONSchema = { type: 'boolean' };
    if (this.o.default !== undefined) b['default'] = this.o.default;
    return b;
  }
  check(v: unknown, path: string, out: Problem[]): void {
    if (typeof v !== 'boolean') out.push({ path, message: `must be a boolean, got ${typeName(v)}` });
  }
  get defaultValue(): boolean | undefined {
    return this.o.default;
  }
}

/** Kubernetes int-or-string (resource quantities). */
export class IntOrStringSchema extends Schema<number | string> {
  constructor(private readonly o: Common & { pattern?: string } = {}) {
    super(o);
  }
  body(): JSONSchema {
    const b: JSONSchema = { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] };
    if (this.o.pattern) b['pattern'] = this.o.pattern;
    return b;
  }
  check(v: unknown, path: string, out: Problem[]): void {
    if (typeof v === 'number' && Number.isInteger(v)) return;
    if (typeof v !== 'string') return void out.push({ path, message: `must be an integer or a string, got ${typeName(v)}` });
    if (this.o.pattern && !new RegExp(this.o.pattern, 'u').test(v)) out.push({ path, message: `"${v}" is not a valid quantity` });
  }
}

/** An object whose content Kubernetes itself validates (e.g. Affinity); kept as-is. */
export class OpaqueObjectSchema extends Schema<Record<string, unknown>> {
  body(): JSONSchema {
    return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  }
  check(v: unknown, path: string, out: Problem[]): void {
    if (typeName(v) !== 'object') out.push({ path, message: `must be an object, got ${typeName(v)}` });
  }
}
