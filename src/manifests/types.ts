import type { ClusterDraft } from '../model/draft';
import type { NetvizError } from '../model/errors';

/** An object kube-netviz read past without modelling it (a ConfigMap, a ReplicaSet, a CRD, …). */
export interface IgnoredObject {
  /** 1-based document number. */
  readonly document: number;
  /** Path inside the document, e.g. `items[3]`; empty for a top-level object. */
  readonly path: string;
  readonly apiVersion?: string;
  readonly kind: string;
  readonly name?: string;
  readonly reason: string;
}

export interface ReadResult {
  /** Every object that read without error; objects with errors are left out. */
  readonly draft: ClusterDraft;
  readonly errors: readonly NetvizError[];
  readonly ignored: readonly IgnoredObject[];
}

export interface ParseResult {
  /**
   * One entry per YAML document or top-level JSON value, in order, so that `docs[i]` is document `i + 1`.
   * An empty document, or one that failed to parse, is `null`.
   */
  readonly docs: readonly unknown[];
  readonly errors: readonly NetvizError[];
}
