/**
 * Which pods are an ingress controller. kube-netviz models ingress-nginx, whose own manifests label the
 * controller's pods `app.kubernetes.io/name: ingress-nginx` and `app.kubernetes.io/component: controller`
 * (deploy/static/provider/<provider>/deploy.yaml in kubernetes/ingress-nginx).
 */
import type { Pod } from './types';

export const INGRESS_CONTROLLER_LABELS: Readonly<Record<string, string>> = {
  'app.kubernetes.io/name': 'ingress-nginx',
  'app.kubernetes.io/component': 'controller',
};

export function isIngressController(pod: Pick<Pod, 'labels'>): boolean {
  return Object.entries(INGRESS_CONTROLLER_LABELS).every(([k, v]) => pod.labels[k] === v);
}
