import type { Deployment } from '../../model/types';
import { INT32_NON_NEGATIVE } from '../fields';
import { readPodSpec } from '../podSpec';
import type { KindReader } from './kind';

/** apps/v1 Deployment: replicas, selector and the pod template kube-netviz derives pods from. */
export const deploymentReader: KindReader = {
  kind: 'Deployment',
  apiVersion: 'apps/v1',
  namespaced: true,
  // ValidateDeploymentName = NameIsDNSSubdomain (pkg/apis/apps/validation).
  nameFormat: 'dns1123-subdomain',
  read(object, meta) {
    const spec = object.record('spec', { required: true });
    // SetDefaults_Deployment: replicas defaults to 1.
    const replicas = spec?.integer('replicas', INT32_NON_NEGATIVE) ?? 1;

    // apps/v1 requires spec.selector, and it must select the template's labels (ValidateDeploymentSpec).
    const selectorFields = spec?.record('selector', { required: true });
    if (selectorFields?.has('matchExpressions')) {
      selectorFields.ctx.invalid(
        selectorFields.path('matchExpressions'),
        'selector.matchExpressions is not modelled by kube-netviz: use selector.matchLabels',
      );
    }
    const selector = selectorFields?.labels('matchLabels') ?? {};
    if (selectorFields && Object.keys(selector).length === 0 && !selectorFields.has('matchExpressions')) {
      object.ctx.invalid('spec.selector', 'empty selector is invalid for deployment');
    }

    const template = spec?.record('template', { required: true });
    const templateLabels = template?.record('metadata')?.labels('labels') ?? {};
    const podSpec = template ? readPodSpec(template, 'spec') : undefined;
    if (template && Object.entries(selector).some(([k, v]) => templateLabels[k] !== v)) {
      object.ctx.invalid('spec.template.metadata.labels', '`selector` does not match template `labels`');
    }

    const value: Deployment = {
      kind: 'Deployment',
      name: meta.name,
      namespace: meta.namespace,
      labels: meta.labels,
      source: meta.source,
      replicas,
      selector,
      template: {
        labels: templateLabels,
        containers: podSpec?.containers ?? [],
        hostNetwork: podSpec?.hostNetwork ?? false,
        dnsPolicy: podSpec?.dnsPolicy ?? 'ClusterFirst',
        hostAliases: podSpec?.hostAliases ?? [],
        ...(podSpec?.nodeName !== undefined ? { nodeName: podSpec.nodeName } : {}),
      },
    };
    return { kind: 'Deployment', value };
  },
};
