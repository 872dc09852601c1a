/**
 * The seed's CNI plugin comparison (its questions at the end of the CNI section, answered there as plugin
 * lists). Every yes/no below is the seed's answer — nothing is added from elsewhere — and each column keeps
 * the question and the answer as the seed wrote them, so a cell can say where it comes from.
 */

export type Feature = 'vxlan' | 'layer2' | 'layer3' | 'policy' | 'encryption';

export interface FeatureColumn {
  readonly id: Feature;
  /** Short header. */
  readonly label: string;
  /** The seed's question, as written there. */
  readonly question: string;
  /** The seed's answer, as written there. */
  readonly answer: string;
}

export const FEATURES: readonly FeatureColumn[] = [
  {
    id: 'vxlan',
    label: 'VXLAN',
    question: 'Which of the plugins allow vxlans?',
    answer: 'Canal, Project Calico, Flannel, Kopeio-networking, Weave Net',
  },
  {
    id: 'layer2',
    label: 'Layer 2',
    question: 'Which are layer 2 plugins?',
    answer: 'Canal, Flannel, Kopeio-networking, Weave Net',
  },
  {
    id: 'layer3',
    label: 'Layer 3',
    question: 'Which are layer 3?',
    answer: 'Project Calico, Romana, Kube Router',
  },
  {
    id: 'policy',
    label: 'Network policy',
    question: 'Which allow network policies?',
    answer: 'Project Calico, Canal, Kube Router, Romana Weave Net',
  },
  {
    id: 'encryption',
    label: 'Encryption',
    question: 'Which can encrypt all TCP and UDP traffic?',
    answer: 'Project Calico, Kopeio, Weave Net',
  },
];

/** The kube-netviz scenario whose dataplane is closest to the plugin's. */
export type ModelledDataplane = 'vxlan' | 'bgp';

export interface CniPlugin {
  readonly name: string;
  /** The seed's link for it. */
  readonly link: string;
  readonly features: ReadonlySet<Feature>;
  readonly scenario: ModelledDataplane;
  /** How the modelled scenario relates to the plugin (what it shows, what it leaves out). */
  readonly modelNote: string;
}

const set = (...f: Feature[]): ReadonlySet<Feature> => new Set(f);

export const CNI_PLUGINS: readonly CniPlugin[] = [
  {
    name: 'Calico',
    link: 'https://github.com/projectcalico/calico',
    features: set('vxlan', 'layer3', 'policy', 'encryption'),
    scenario: 'bgp',
    modelNote:
      'BGP-learned routes between nodes, no encapsulation (Calico can also wrap in IP-in-IP or VXLAN).',
  },
  {
    name: 'Canal',
    link: 'https://docs.projectcalico.org/v3.0/getting-started/kubernetes/installation/hosted/canal',
    features: set('vxlan', 'layer2', 'policy'),
    scenario: 'vxlan',
    modelNote: "Flannel's VXLAN for the packets (Calico adds the network policy).",
  },
  {
    name: 'Flannel',
    link: 'https://github.com/coreos/flannel',
    features: set('vxlan', 'layer2'),
    scenario: 'vxlan',
    modelNote: "Flannel's vxlan backend: flannel.1, UDP 8472, VNI 1.",
  },
  {
    name: 'Weave Net',
    link: 'https://www.weave.works/docs/net/latest/kubernetes/kube-addon',
    features: set('vxlan', 'layer2', 'policy', 'encryption'),
    scenario: 'vxlan',
    modelNote: "An overlay between nodes; the scenario shows flannel's VXLAN, not Weave's own devices.",
  },
  {
    name: 'Romana',
    link: 'http://romana.io/how/romana_basics',
    features: set('layer3', 'policy'),
    scenario: 'bgp',
    modelNote:
      'Plain layer 3 routes between nodes, no encapsulation; the scenario shows them learned by BGP.',
  },
  {
    name: 'Kube-router',
    link: 'https://www.kube-router.io',
    features: set('layer3', 'policy'),
    scenario: 'bgp',
    modelNote:
      "Each node announces its podCIDR to the others by BGP; the scenario's routes are the same shape.",
  },
  {
    name: 'Kopeio-networking',
    link: 'https://github.com/kopeio/networking',
    features: set('vxlan', 'layer2', 'encryption'),
    scenario: 'vxlan',
    modelNote: "A layer 2 overlay; the scenario shows flannel's VXLAN encapsulation.",
  },
];
