import type { SourceRef } from './types';

/** Every kind of failure kube-netviz reports about a user's cluster. */
export type NetvizErrorCode =
  // IPAM
  | 'invalid-ip'
  | 'invalid-cidr'
  | 'host-bits-set'
  | 'out-of-range'
  | 'duplicate-address'
  | 'overlapping-ranges'
  | 'pool-exhausted'
  | 'invalid-port'
  // manifests
  | 'malformed-document'
  | 'invalid-field'
  | 'missing-field'
  | 'duplicate-object'
  | 'unknown-reference';

/**
 * A precise, user-facing error: what is wrong, and where (document and field path) when it comes from input.
 * Thrown by IPAM and the manifest reader; the UI and CLI print `message` and never crash on it.
 */
export class NetvizError extends Error {
  readonly code: NetvizErrorCode;
  readonly source?: SourceRef;
  /** Field path inside the object, e.g. `spec.podCIDR` or `spec.ports[0].targetPort`. */
  readonly field?: string;

  constructor(code: NetvizErrorCode, message: string, where?: { source?: SourceRef; field?: string }) {
    super(message);
    this.name = 'NetvizError';
    this.code = code;
    if (where?.source) this.source = where.source;
    if (where?.field !== undefined) this.field = where.field;
  }

  /** `document 2, items[1].spec.podCIDR: …` — the form the UI lists and the CLI prints. */
  describe(): string {
    const parts: string[] = [];
    if (this.source) parts.push(`document ${this.source.document}`);
    const path = [this.source?.path, this.field].filter((p) => p !== undefined && p !== '').join('.');
    if (path) parts.push(path);
    return parts.length > 0 ? `${parts.join(', ')}: ${this.message}` : this.message;
  }
}

export function isNetvizError(e: unknown): e is NetvizError {
  return e instanceof NetvizError;
}
