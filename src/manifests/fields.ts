/**
 * Typed, error-collecting access to the untyped objects a YAML/JSON parser gives. Every read names the field
 * path it reads (`spec.ports[0].targetPort`), so a problem is reported exactly where it is; a wrong value is
 * reported and read as absent, so one object can report all its problems at once.
 */
import { NetvizError } from '../model/errors';
import type { Labels, SourceRef } from '../model/types';
import { checkLabelValue, checkQualifiedName } from './names';

export type Rec = Readonly<Record<string, unknown>>;

export function isRecord(value: unknown): value is Rec {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An own property of `rec`; `null` reads as absent, as the API server's decoder treats it. Own properties only,
 * so keys such as `constructor` or `__proto__` never reach Object.prototype.
 */
export function ownValue(rec: Rec, key: string): unknown {
  if (!Object.hasOwn(rec, key)) return undefined;
  const value = rec[key];
  return value === null ? undefined : value;
}

const MAX_QUOTED = 48;

/** A user-supplied string made safe and short for a message: JSON-quoted, control characters escaped. */
export function quote(value: string): string {
  const shown = value.length > MAX_QUOTED ? `${value.slice(0, MAX_QUOTED)}…` : value;
  return JSON.stringify(shown);
}

/** `the string "eighty"`, `the number 70000`, `a list`, … for "expected X, got Y" messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `the string ${quote(value)}`;
    case 'number':
      return `the number ${String(value)}`;
    case 'boolean':
      return `the boolean ${String(value)}`;
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}

export function childPath(base: string, key: string): string {
  return base === '' ? key : `${base}.${key}`;
}

export function indexPath(base: string, index: number): string {
  return `${base}[${index}]`;
}

/** Map keys in field paths use brackets, as Kubernetes' field.Path.Key prints them: `metadata.labels[app]`. */
export function keyPath(base: string, key: string): string {
  return `${base}[${key}]`;
}

/** Errors found in one object, each pointing at its document and list path. */
export class ObjectContext {
  readonly errors: NetvizError[] = [];
  readonly source: SourceRef;

  constructor(source: SourceRef) {
    this.source = source;
  }

  invalid(field: string, message: string): void {
    this.errors.push(new NetvizError('invalid-field', message, { source: this.source, field }));
  }

  missing(field: string, message = 'required field is missing'): void {
    this.errors.push(new NetvizError('missing-field', message, { source: this.source, field }));
  }

  get hasErrors(): boolean {
    return this.errors.length > 0;
  }
}

export interface IntegerRange {
  readonly min: number;
  readonly max: number;
}

export const PORT_RANGE: IntegerRange = { min: 1, max: 65535 };
// Kubernetes int32 fields (replicas, timeouts) stop at 2^31-1.
export const INT32_NON_NEGATIVE: IntegerRange = { min: 0, max: 2147483647 };

interface Required {
  readonly required?: boolean;
  /** Message for a missing required field. */
  readonly missing?: string;
}

/** A cursor on one object inside a manifest: reads its fields by key, reporting problems at `base.key`. */
export class Fields {
  readonly ctx: ObjectContext;
  readonly rec: Rec;
  readonly base: string;

  constructor(ctx: ObjectContext, rec: Rec, base: string) {
    this.ctx = ctx;
    this.rec = rec;
    this.base = base;
  }

  path(key: string): string {
    return childPath(this.base, key);
  }

  raw(key: string): unknown {
    return ownValue(this.rec, key);
  }

  has(key: string): boolean {
    return this.raw(key) !== undefined;
  }

  /** True (and reported) when a required field is absent. */
  private absent(key: string, options: Required | undefined): boolean {
    if (this.raw(key) !== undefined) return false;
    if (options?.required) this.ctx.missing(this.path(key), options.missing);
    return true;
  }

  private wrongType(key: string, expected: string): undefined {
    this.ctx.invalid(this.path(key), `expected ${expected}, got ${describeValue(this.raw(key))}`);
    return undefined;
  }

  string(key: string, options?: Required & { readonly nonEmpty?: boolean }): string | undefined {
    if (this.absent(key, options)) return undefined;
    const value = this.raw(key);
    if (typeof value !== 'string') return this.wrongType(key, 'a string');
    if (value === '' && (options?.nonEmpty || options?.required)) {
      if (options.required) this.ctx.missing(this.path(key), options.missing ?? 'must not be empty');
      return undefined;
    }
    return value;
  }

  integer(key: string, range: IntegerRange, options?: Required): number | undefined {
    if (this.absent(key, options)) return undefined;
    const value = this.raw(key);
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      return this.wrongType(key, `an integer between ${range.min} and ${range.max}`);
    }
    if (value < range.min || value > range.max) {
      this.ctx.invalid(this.path(key), `must be between ${range.min} and ${range.max}, got ${value}`);
      return undefined;
    }
    return value;
  }

  boolean(key: string): boolean | undefined {
    if (this.absent(key, undefined)) return undefined;
    const value = this.raw(key);
    if (typeof value !== 'boolean') return this.wrongType(key, 'true or false');
    return value;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], options?: Required): T | undefined {
    if (this.absent(key, options)) return undefined;
    const value = this.raw(key);
    if (typeof value !== 'string') return this.wrongType(key, `one of ${allowed.join(', ')}`);
    const found = allowed.find((a) => a === value);
    if (found === undefined) {
      this.ctx.invalid(
        this.path(key),
        `unsupported value ${quote(value)}: expected one of ${allowed.join(', ')}`,
      );
    }
    return found;
  }

  record(key: string, options?: Required): Fields | undefined {
    if (this.absent(key, options)) return undefined;
    const value = this.raw(key);
    if (!isRecord(value)) return this.wrongType(key, 'an object');
    return new Fields(this.ctx, value, this.path(key));
  }

  /** The elements of a list with their paths; absent → []. */
  list(key: string, options?: Required): { readonly value: unknown; readonly path: string }[] {
    if (this.absent(key, options)) return [];
    const value = this.raw(key);
    if (!Array.isArray(value)) {
      this.wrongType(key, 'a list');
      return [];
    }
    return value.map((item: unknown, i) => ({ value: item, path: indexPath(this.path(key), i) }));
  }

  /** A list of objects; elements that are not objects are reported and skipped. */
  records(key: string, options?: Required): Fields[] {
    const out: Fields[] = [];
    for (const { value, path } of this.list(key, options)) {
      if (isRecord(value)) out.push(new Fields(this.ctx, value, path));
      else this.ctx.invalid(path, `expected an object, got ${describeValue(value)}`);
    }
    return out;
  }

  strings(key: string): string[] | undefined {
    if (!this.has(key)) return undefined;
    const out: string[] = [];
    for (const { value, path } of this.list(key)) {
      if (typeof value === 'string') out.push(value);
      else this.ctx.invalid(path, `expected a string, got ${describeValue(value)}`);
    }
    return out;
  }

  /**
   * A label map (metadata.labels, spec.selector, matchLabels): string keys that are qualified names and string
   * values that are label values (apimachinery ValidateLabels). Numbers and booleans are rejected as the API
   * server rejects them: labels are map[string]string, so YAML needs `version: "2"`.
   */
  labels(key: string): Labels | undefined {
    if (!this.has(key)) return undefined;
    const value = this.raw(key);
    if (!isRecord(value)) return this.wrongType(key, 'a map of string keys to string values');
    const out: Record<string, string> = {};
    let ok = true;
    for (const [labelKey, labelValue] of Object.entries(value)) {
      const path = keyPath(this.path(key), labelKey);
      const keyProblem = checkQualifiedName(labelKey);
      if (keyProblem) {
        this.ctx.invalid(path, `invalid label key ${quote(labelKey)}: ${keyProblem}`);
        ok = false;
        continue;
      }
      if (typeof labelValue !== 'string') {
        const hint =
          typeof labelValue === 'number' || typeof labelValue === 'boolean' ? ' (quote it in YAML)' : '';
        this.ctx.invalid(path, `expected a string label value, got ${describeValue(labelValue)}${hint}`);
        ok = false;
        continue;
      }
      const valueProblem = checkLabelValue(labelValue);
      if (valueProblem) {
        this.ctx.invalid(path, `invalid label value ${quote(labelValue)}: ${valueProblem}`);
        ok = false;
        continue;
      }
      // Keys are validated qualified names, so none of them is `__proto__`.
      out[labelKey] = labelValue;
    }
    return ok ? out : undefined;
  }
}

/**
 * kube-netviz models IPv4 clusters. Dual-stack objects list both families (podCIDRs, podIPs, clusterIPs,
 * two InternalIPs); this picks the first address that is not IPv6, or else the first one, unchanged.
 */
export function preferIPv4(candidates: readonly string[]): string | undefined {
  return candidates.find((c) => !c.includes(':')) ?? candidates[0];
}
