import type { TraceRequest } from '../../engine/trace';
import type { Cluster, Pod, Service } from '../../model/types';
import { selectCluster, selectRequest } from '../../store';
import { useNetviz, useNetvizStore } from '../NetvizContext';
import { serviceTargetName } from '../request/requestForm';
import './SendButtons.css';

/** "Send from / to this pod": how a user picks the request's client and target on the graph. */
export function PodSendButtons({ pod }: { pod: Pod }) {
  const store = useNetvizStore();
  const canSend = pod.podIP !== null && !pod.hostNetwork && pod.phase === 'Running';
  const port = pod.containers.flatMap((c) => c.ports)[0];
  return (
    <div className="send-buttons" role="group" aria-label="Use in the request">
      <button
        className="nv-button"
        type="button"
        disabled={!canSend}
        title={canSend ? undefined : 'Only a running pod with its own network namespace can be the client'}
        onClick={() =>
          store.getState().setRequest({ from: { kind: 'pod', namespace: pod.namespace, name: pod.name } })
        }
      >
        Send from this pod
      </button>
      <button
        className="nv-button"
        type="button"
        disabled={pod.podIP === null}
        onClick={() =>
          pod.podIP !== null &&
          store.getState().setRequest({
            to: pod.podIP,
            port: port?.containerPort,
            protocol: port?.protocol === 'UDP' ? 'UDP' : 'TCP',
          })
        }
      >
        Send to this pod
      </button>
    </div>
  );
}

export function ServiceSendButtons({ service }: { service: Service }) {
  const store = useNetvizStore();
  const request = useNetviz(selectRequest);
  const cluster = useNetviz(selectCluster);
  return (
    <div className="send-buttons" role="group" aria-label="Use in the request">
      <button
        className="nv-button"
        type="button"
        onClick={() => store.getState().setRequest(requestToService(cluster, service, request))}
      >
        Send to this Service
      </button>
    </div>
  );
}

/** Where a client reaches a Service: by name from a pod; from outside, by a NodePort or the bare ClusterIP. */
export function requestToService(
  cluster: Cluster,
  service: Service,
  request: TraceRequest,
): Partial<TraceRequest> {
  const first = service.ports[0];
  const protocol = first?.protocol === 'UDP' ? 'UDP' : 'TCP';
  if (request.from.kind === 'pod')
    return { to: serviceTargetName(service, request.from.namespace), port: undefined, protocol };
  // An external client has no cluster DNS; a NodePort on a node's address is how it gets in.
  const nodePort = service.ports.find((p) => p.nodePort !== undefined);
  const node = cluster.nodes[0];
  if (nodePort?.nodePort !== undefined && node)
    return {
      to: node.internalIP,
      port: nodePort.nodePort,
      protocol: nodePort.protocol === 'UDP' ? 'UDP' : 'TCP',
    };
  // No NodePort: the ClusterIP, which no route outside the cluster leads to (the trace shows where it ends).
  return { to: service.clusterIP ?? service.name, port: first?.port, protocol };
}
