/**
 * Parsed documents → ClusterDraft. Generous with what real `kubectl get -o yaml/json` output contains (Lists,
 * typed lists whose items omit kind/apiVersion, managedFields, status, kinds we do not model), strict with
 * what the API server itself would reject, and exact about where each problem is.
 */
import type { ClusterDraft, NetworkDraft, NodeDraft, PodDraft, ServiceDraft } from '../model/draft';
import { NetvizError } from '../model/errors';
import type { Deployment, EndpointSlice, Ingress, NetworkPolicy, SourceRef } from '../model/types';
import { Fields, ObjectContext, describeValue, isRecord, ownValue, quote } from './fields';
import { IGNORED_REASONS, KIND_READERS } from './kinds';
import type { ControllerRef, KindReader, MetaRead, ReadObject } from './kinds/kind';
import { controllerOf } from './kinds/pod';
import { checkDns1123Label, checkName } from './names';
import type { IgnoredObject, ReadResult } from './types';

/** The draft's name when no NetvizCluster names it. */
export const DEFAULT_CLUSTER_NAME = 'cluster';
// Kubernetes puts a namespaced object without metadata.namespace into `default`.
const DEFAULT_NAMESPACE = 'default';
// kubectl never nests lists; a little nesting is tolerated, deep nesting is refused before it costs stack.
const MAX_LIST_DEPTH = 8;
// The Deployment controller labels its ReplicaSets and their pods with pod-template-hash and names each
// ReplicaSet `<deployment>-<hash>` (pkg/controller/deployment/sync.go).
const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

/** What a list's kind says about its items: `PodList` items are Pods of the list's apiVersion. */
interface ItemDefaults {
  readonly kind?: string;
  readonly apiVersion?: string;
}

/**
 * Reads already-parsed documents (what `JSON.parse`, a YAML parser or a `.yaml` import gives) into a draft.
 * `docs[i]` is document `i + 1`; `null`/`undefined` entries are empty documents. Pure; never throws.
 */
export function readObjects(docs: readonly unknown[]): ReadResult {
  const reader = new DocumentReader();
  docs.forEach((doc, i) => reader.readDocument(doc, i + 1));
  return reader.finish();
}

function describeSource(source: SourceRef): string {
  return source.path === '' ? `document ${source.document}` : `document ${source.document} (${source.path})`;
}

class DocumentReader {
  private readonly errors: NetvizError[] = [];
  private readonly ignored: IgnoredObject[] = [];
  private readonly objects: ReadObject[] = [];
  /** Where each kind/namespace/name was first defined. */
  private readonly seen = new Map<string, SourceRef>();
  /** `<namespace>/<replicaset>` → the Deployment that controls it, from ReplicaSets in the input. */
  private readonly replicaSetOwners = new Map<string, string>();

  readDocument(doc: unknown, document: number): void {
    if (doc === null || doc === undefined) return; // an empty YAML document
    if (Array.isArray(doc)) {
      // A top-level array of objects: read like the items of a List.
      doc.forEach((item: unknown, i) => this.readItem(item, { document, path: `[${i}]` }, {}, 1));
      return;
    }
    this.readItem(doc, { document, path: '' }, {}, 0);
  }

  private readItem(value: unknown, source: SourceRef, defaults: ItemDefaults, depth: number): void {
    if (!isRecord(value)) {
      this.errors.push(
        new NetvizError(
          'malformed-document',
          `expected a Kubernetes object (a map with apiVersion, kind and metadata), got ${describeValue(value)}`,
          { source },
        ),
      );
      return;
    }
    const ctx = new ObjectContext(source);
    const object = new Fields(ctx, value, '');
    const kind = this.readKind(object, defaults);
    const rawApiVersion = ownValue(value, 'apiVersion') ?? defaults.apiVersion;
    const apiVersion = typeof rawApiVersion === 'string' ? rawApiVersion : undefined;
    if (kind === undefined) {
      this.errors.push(...ctx.errors);
      return;
    }

    if (kind === 'List' || (kind.endsWith('List') && Array.isArray(ownValue(value, 'items')))) {
      this.readList(object, source, kind, apiVersion, depth);
      return;
    }

    const reader = KIND_READERS.get(kind);
    if (!reader) {
      if (kind === 'ReplicaSet') this.noteReplicaSet(value);
      this.ignore(source, value, kind, apiVersion, IGNORED_REASONS.get(kind) ?? 'kind not modelled');
      return;
    }
    if (rawApiVersion === undefined) {
      ctx.missing('apiVersion', `apiVersion is required (${reader.apiVersion} for ${kind})`);
    } else if (apiVersion === undefined) {
      ctx.invalid('apiVersion', `expected a string, got ${describeValue(rawApiVersion)}`);
    } else if (apiVersion !== reader.apiVersion) {
      this.ignore(
        source,
        value,
        kind,
        apiVersion,
        `${kind} in ${apiVersion} is not modelled: kube-netviz reads ${kind} in ${reader.apiVersion}`,
      );
      return;
    }

    const meta = this.readMeta(object, reader, source);
    if (meta.name !== '' && this.isDuplicate(reader, meta, source)) {
      this.errors.push(...ctx.errors);
      return;
    }
    // Read the whole object even when its name is wrong, so that every problem in it is reported at once;
    // an object with any problem is left out of the draft.
    const read = reader.read(object, meta);
    if (ctx.hasErrors) this.errors.push(...ctx.errors);
    else this.objects.push(read);
  }

  private readKind(object: Fields, defaults: ItemDefaults): string | undefined {
    const raw = object.raw('kind') ?? defaults.kind;
    if (raw === undefined) {
      object.ctx.missing('kind', 'every object needs a kind (Pod, Service, …)');
      return undefined;
    }
    if (typeof raw !== 'string' || raw === '') {
      object.ctx.invalid('kind', `expected a kind name, got ${describeValue(raw)}`);
      return undefined;
    }
    return raw;
  }

  private readList(
    object: Fields,
    source: SourceRef,
    kind: string,
    apiVersion: string | undefined,
    depth: number,
  ) {
    if (depth >= MAX_LIST_DEPTH) {
      object.ctx.invalid('items', `lists nested more than ${MAX_LIST_DEPTH} deep are not read`);
      this.errors.push(...object.ctx.errors);
      return;
    }
    // `kind: List` items carry their own kind and apiVersion; a typed list (`PodList`, what the API server
    // returns) leaves them out of its items.
    const defaults: ItemDefaults =
      kind === 'List' ? {} : { kind: kind.slice(0, -'List'.length), ...(apiVersion ? { apiVersion } : {}) };
    for (const { value, path } of object.list('items')) {
      const itemPath = source.path === '' ? path : `${source.path}.${path}`;
      this.readItem(value, { document: source.document, path: itemPath }, defaults, depth + 1);
    }
    this.errors.push(...object.ctx.errors);
  }

  /** metadata.name/namespace/labels; `name` is empty when missing or invalid (and the problem reported). */
  private readMeta(object: Fields, reader: KindReader, source: SourceRef): MetaRead {
    const metadata = object.record('metadata', { required: true, missing: 'metadata.name is required' });
    if (!metadata)
      return { name: '', namespace: reader.namespaced ? DEFAULT_NAMESPACE : '', labels: {}, source };
    const hasGenerateName = metadata.has('generateName') && !metadata.has('name');
    const name = metadata.string('name', {
      required: true,
      missing: hasGenerateName
        ? 'metadata.name is required (metadata.generateName is not supported: the API server would pick the name)'
        : 'metadata.name is required',
    });
    let validName: string | undefined;
    if (name !== undefined) {
      const problem = checkName(name, reader.nameFormat);
      if (problem)
        metadata.ctx.invalid('metadata.name', `invalid ${reader.kind} name ${quote(name)}: ${problem}`);
      else validName = name;
    }
    let namespace = '';
    if (reader.namespaced) {
      const given = metadata.string('namespace', { nonEmpty: true });
      const problem = given === undefined ? undefined : checkDns1123Label(given);
      if (given !== undefined && problem) {
        metadata.ctx.invalid('metadata.namespace', `invalid namespace ${quote(given)}: ${problem}`);
      }
      namespace = given ?? DEFAULT_NAMESPACE;
    }
    const labels = metadata.labels('labels') ?? {};
    return { name: validName ?? '', namespace, labels, source };
  }

  private isDuplicate(reader: KindReader, meta: MetaRead, source: SourceRef): boolean {
    // Only one NetvizCluster is meaningful, whatever its name.
    const key =
      reader.kind === 'NetvizCluster' ? reader.kind : `${reader.kind}/${meta.namespace}/${meta.name}`;
    const first = this.seen.get(key);
    if (!first) {
      this.seen.set(key, source);
      return false;
    }
    const what =
      reader.kind === 'NetvizCluster'
        ? 'only one NetvizCluster is allowed, and one'
        : `${reader.kind} ${quote(reader.namespaced ? `${meta.namespace}/${meta.name}` : meta.name)}`;
    this.errors.push(
      new NetvizError(
        'duplicate-object',
        `${what} is already defined in ${describeSource(first)}; this second definition in ${describeSource(source)} is not read`,
        { source, field: 'metadata.name' },
      ),
    );
    return true;
  }

  private ignore(
    source: SourceRef,
    value: Readonly<Record<string, unknown>>,
    kind: string,
    apiVersion: string | undefined,
    reason: string,
  ) {
    const metadata = ownValue(value, 'metadata');
    const name = isRecord(metadata) ? ownValue(metadata, 'name') : undefined;
    this.ignored.push({
      document: source.document,
      path: source.path,
      ...(apiVersion !== undefined ? { apiVersion } : {}),
      kind,
      ...(typeof name === 'string' ? { name } : {}),
      reason,
    });
  }

  /** Remembers which Deployment controls a ReplicaSet, to tell which Deployment a pod belongs to. */
  private noteReplicaSet(value: Readonly<Record<string, unknown>>): void {
    const metadata = ownValue(value, 'metadata');
    if (!isRecord(metadata)) return;
    const name = ownValue(metadata, 'name');
    const namespace = ownValue(metadata, 'namespace') ?? DEFAULT_NAMESPACE;
    const owner = controllerOf(ownValue(metadata, 'ownerReferences'));
    if (typeof name === 'string' && typeof namespace === 'string' && owner?.kind === 'Deployment') {
      this.replicaSetOwners.set(`${namespace}/${name}`, owner.name);
    }
  }

  finish(): ReadResult {
    let name = DEFAULT_CLUSTER_NAME;
    let network: NetworkDraft = {};
    const nodes: NodeDraft[] = [];
    const pods: { value: PodDraft; controller?: ControllerRef }[] = [];
    const services: ServiceDraft[] = [];
    const endpointSlices: EndpointSlice[] = [];
    const deployments: Deployment[] = [];
    const networkPolicies: NetworkPolicy[] = [];
    const ingresses: Ingress[] = [];
    for (const read of this.objects) {
      switch (read.kind) {
        case 'NetvizCluster':
          name = read.name;
          network = read.value;
          break;
        case 'Node':
          nodes.push(read.value);
          break;
        case 'Pod':
          pods.push(read);
          break;
        case 'Service':
          services.push(read.value);
          break;
        case 'EndpointSlice':
          endpointSlices.push(read.value);
          break;
        case 'Deployment':
          deployments.push(read.value);
          break;
        case 'NetworkPolicy':
          networkPolicies.push(read.value);
          break;
        case 'Ingress':
          ingresses.push(read.value);
          break;
      }
    }
    const deploymentKeys = new Set(deployments.map((d) => `${d.namespace}/${d.name}`));
    const draft: ClusterDraft = {
      name,
      network,
      nodes,
      pods: pods.map(({ value, controller }) => {
        const owner = this.deploymentOf(value, controller);
        return owner !== undefined && deploymentKeys.has(`${value.namespace}/${owner}`)
          ? { ...value, ownerDeployment: owner }
          : value;
      }),
      services,
      endpointSlices,
      deployments,
      networkPolicies,
      ...(ingresses.length > 0 ? { ingresses } : {}),
    };
    return { draft, errors: this.errors, ignored: this.ignored };
  }

  /**
   * The Deployment a pod belongs to: its controller is a ReplicaSet that a Deployment controls (known from
   * the ReplicaSet in the input, or from the `<deployment>-<pod-template-hash>` naming rule).
   */
  private deploymentOf(pod: PodDraft, controller: ControllerRef | undefined): string | undefined {
    if (controller?.kind !== 'ReplicaSet') return undefined;
    const known = this.replicaSetOwners.get(`${pod.namespace}/${controller.name}`);
    if (known !== undefined) return known;
    const hash = pod.labels[POD_TEMPLATE_HASH_LABEL];
    const suffix = `-${hash ?? ''}`;
    if (hash && controller.name.endsWith(suffix) && controller.name.length > suffix.length) {
      return controller.name.slice(0, -suffix.length);
    }
    return undefined;
  }
}
