// Factories for the schema language, so kind definitions read like the CRD they produce.
import { StrSchema, IntSchema, BoolSchema, IntOrStringSchema, OpaqueObjectSchema } from './schema.js';
import type { StrOpts, NumOpts, Schema } from './schema.js';
import { ArrSchema, MapSchema, ObjSchema } from './schema-compound.js';
import type { ArrOpts, ObjOpts, Shape } from './schema-compound.js';

// NoInfer on results: inside s.obj({...}) the contextual type is Schema<any> (Shape), which would
// otherwise become the inferred type argument (a `str` field typed `any`).
export const s = {
  str: <E extends string = string>(o: StrOpts<E> = {}): StrSchema<NoInfer<E>> => new StrSchema<E>(o),
  int: (o: NumOpts = {}): IntSchema => new IntSchema(o),
  bool: (o: { description?: string; default?: boolean } = {}): BoolSchema => new BoolSchema(o),
  intOrString: (o: { description?: string; pattern?: string } = {}): IntOrStringSchema => new IntOrStringSchema(o),
  opaque: (o: { description?: string } = {}): OpaqueObjectSchema => new OpaqueObjectSchema(o),
  arr: <T>(items: Schema<T>, o: ArrOpts = {}): ArrSchema<NoInfer<T>> => new ArrSchema(items, o),
  map: <T>(values: Schema<T>, o: { description?: string } = {}): MapSchema<NoInfer<T>> => new MapSchema(values, o),
  obj: <P extends Shape, R extends keyof P & string = never>(props: P, o: ObjOpts<R> = {}): ObjSchema<P, R> => new ObjSchema(props, o),
};

// ---- patterns shared by several kinds ----------------------------------------------------------

/** DNS-1123 subdomain: what a reference to another object's name must look like. */
export const NAME_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';

// The patterns below are also what the speaker checks before anything reaches frr.conf
// (src/speaker/frr/model-check.ts builds its regular expressions from them), so the apiserver
// rejects exactly what a speaker would have to skip (issue 18.1).

/**
 * A token that reaches frr.conf verbatim (password): printable, no white space, so it can neither
 * split an FRR command nor start a new line of configuration.
 */
export const FRR_TOKEN_PATTERN = '^[!-~]+$';
/** TCP-MD5 keys are at most 80 bytes (RFC 2385 as Linux implements it). */
export const PASSWORD_MAX_LENGTH = 80;

/**
 * A Linux interface or VRF name (a VRF is a network device): at most 15 characters, starting with
 * a letter or digit (so FRR never reads it as an option), then letters, digits, "_", "." or "-".
 */
export const IFNAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$';
export const IFNAME_HINT = 'at most 15 letters, digits, "_", "." or "-", starting with a letter or digit';

/** FRR keeps a BFD profile name in 64 bytes with its terminating NUL. */
export const BFD_PROFILE_NAME_MAX_LENGTH = 63;

/** The longest hold and keepalive times FRR takes (`timers 0-65535 0-65535`), in seconds. */
export const BGP_TIMER_MAX_SECONDS = 65535;

/** Go's time.Duration syntax, as metav1.Duration accepts it (e.g. "90s", "1m30s", "500ms"). */
export const DURATION_PATTERN = '^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$';

export const nameRef = (description: string): StrSchema => s.str({ description, pattern: NAME_PATTERN, patternHint: 'must be a lowercase DNS-1123 name (a-z, 0-9, "-", ".")', maxLength: 253 });

export const ASN_MAX = 4294967295;
export const asn = (description: string): IntSchema => s.int({ description, minimum: 1, maximum: ASN_MAX, format: 'int64' });

export const duration = (description: string): StrSchema => s.str({ description, pattern: DURATION_PATTERN, patternHint: 'must be a duration such as "90s", "1m30s" or "500ms"', maxLength: 32 });
