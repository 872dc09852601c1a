import { lazy, Suspense, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { layoutCluster, levelOfDetail, type LevelOfDetail } from '../../layout';
import { selectCluster, selectMode, selectSelect, selectSelectedId } from '../../store';
import type { PacketAnimator } from '../d3/createPacketAnimator';
import type { ZoomController } from '../d3/createZoom';
import {
  fitTransform,
  isMeasurable,
  transformAttribute,
  zoomedBy,
  type ViewSize,
  type ViewTransform,
} from '../d3/fit';
import { useNetviz, useNetvizStore } from '../NetvizContext';
import './animation.css';
import { VXLAN_POD_MTU, VXLAN_UDP_PORT, VXLAN_VNI, vtepAddress } from '../../engine/cni/vxlan';
import { NodeNetworkView, NodeView } from './NodeView';
import { RouterView } from './RouterView';
import { EndpointLinks, ServiceNetworkView } from './ServiceNetworkView';
import { MinTextContext } from './SvgText';

// NetworkPolicy badges (and the policy model) load only for clusters that have policies.
const PolicyBadges = lazy(() => import('./PolicyBadges').then((m) => ({ default: m.PolicyBadges })));

const MIN_TEXT: Record<LevelOfDetail, number> = { detail: 0, grouped: 14, overview: 30 };

/** What the zoom buttons and the resize observer call: d3-zoom once it has loaded, the pure math until then. */
type ZoomHandle = Pick<ZoomController, 'fit' | 'zoomBy'>;

function reportLoadError(what: string) {
  return (error: unknown) => {
    console.error(`kube-netviz: could not load ${what}`, error);
  };
}

export function Topology() {
  const cluster = useNetviz(selectCluster);
  const selectedId = useNetviz(selectSelectedId);
  const select = useNetviz(selectSelect);
  const mode = useNetviz(selectMode);
  const store = useNetvizStore();
  // The store's mode, not only the cluster's: ipvs gives every node a row for kube-ipvs0.
  const layout = useMemo(() => layoutCluster(cluster, { proxyMode: mode }), [cluster, mode]);
  const svgRef = useRef<SVGSVGElement>(null);
  const viewportRef = useRef<SVGGElement>(null);
  const zoomRef = useRef<ZoomHandle | null>(null);
  const overlayRef = useRef<HTMLDivElement>(null);
  const animatorRef = useRef<PacketAnimator | null>(null);
  const viewRef = useRef<ViewTransform>({ x: 0, y: 0, k: 1 });
  // Until the first fit is known, draw the cheap version (pods grouped).
  const [lod, setLod] = useState<LevelOfDetail | null>(null);

  // Zoom and pan. The first picture is fitted at once with the pure math; d3-zoom (with d3-drag and
  // d3-transition) loads afterwards and takes over from that very transform.
  useLayoutEffect(() => {
    const svg = svgRef.current;
    const viewport = viewportRef.current;
    if (!svg || !viewport) return;
    const content = { contentWidth: layout.width, contentHeight: layout.height };
    const size = (): ViewSize => {
      const r = svg.getBoundingClientRect();
      return { width: r.width, height: r.height };
    };
    // The packet's overlay follows the same zoom and pan as the topology.
    const onTransform = (view: ViewTransform) => {
      viewRef.current = view;
      animatorRef.current?.update({ view });
    };
    const onScale = (k: number) => {
      setLod(levelOfDetail(k));
    };
    const applyView = (view: ViewTransform) => {
      viewport.setAttribute('transform', transformAttribute(view));
      onTransform(view);
      onScale(view.k);
    };
    let controller: ZoomController | null = null;
    let isActive = true;
    const handle: ZoomHandle = {
      fit(animate) {
        if (controller) return controller.fit(animate);
        const s = size();
        if (isMeasurable(s)) applyView(fitTransform(s, content));
        else onScale(1);
      },
      zoomBy(factor) {
        if (controller) return controller.zoomBy(factor);
        const s = size();
        if (isMeasurable(s)) applyView(zoomedBy(viewRef.current, factor, s));
      },
    };
    zoomRef.current = handle;
    handle.fit();
    import('../d3/createZoom')
      .then(({ createZoom }) => {
        if (!isActive) return;
        controller = createZoom(svg, {
          viewport,
          ...content,
          onTransform,
          onScale,
          initialTransform: isMeasurable(size()) ? viewRef.current : undefined,
        });
      })
      .catch(reportLoadError('zoom and pan'));
    let userZoomed = false;
    const markZoomed = () => {
      userZoomed = true;
    };
    svg.addEventListener('wheel', markZoomed, { passive: true });
    svg.addEventListener('pointerdown', markZoomed);
    const observer =
      typeof ResizeObserver === 'undefined'
        ? null
        : new ResizeObserver(() => {
            if (!userZoomed) handle.fit();
          });
    observer?.observe(svg);
    return () => {
      isActive = false;
      observer?.disconnect();
      svg.removeEventListener('wheel', markZoomed);
      svg.removeEventListener('pointerdown', markZoomed);
      controller?.destroy();
      if (zoomRef.current === handle) zoomRef.current = null;
    };
  }, [layout]);

  // The moving packet: a D3-style controller that reads the store outside React (no re-render per frame).
  // It has nothing to draw before the engine's first trace, so it loads after the first picture too.
  useLayoutEffect(() => {
    const overlay = overlayRef.current;
    const scene = svgRef.current;
    if (!overlay || !scene) return;
    let animator: PacketAnimator | null = null;
    let isActive = true;
    import('../d3/createPacketAnimator')
      .then(({ createPacketAnimator }) => {
        if (!isActive) return;
        animator = createPacketAnimator(overlay, { store, layout, scene, view: viewRef.current });
        animatorRef.current = animator;
      })
      .catch(reportLoadError('the packet animation'));
    return () => {
      isActive = false;
      animator?.destroy();
      if (animatorRef.current === animator) animatorRef.current = null;
    };
  }, [store, layout]);

  // Overlay mode: each node's VXLAN device (flannel.1), drawn as a badge on the node.
  const vteps = useMemo(
    () =>
      cluster.network.cniMode !== 'vxlan'
        ? null
        : new Map(
            cluster.nodes.map((n) => [
              n.name,
              {
                // flannel names its VXLAN device flannel.<VNI> (backend/vxlan).
                device: `flannel.${VXLAN_VNI}`,
                address: vtepAddress(n),
                vni: VXLAN_VNI,
                mtu: VXLAN_POD_MTU,
                port: VXLAN_UDP_PORT,
              },
            ]),
          ),
    [cluster],
  );
  const effectiveLod = lod ?? 'grouped';
  const isGrouped = effectiveLod !== 'detail';
  // Pods re-mount when they are grouped or ungrouped: re-apply the packet's marks to the new elements.
  useLayoutEffect(() => {
    animatorRef.current?.update();
  }, [isGrouped]);
  const selectedService = layout.serviceNetwork.services.find((s) => s.id === selectedId);
  const endpointIds = useMemo(
    () => new Set(selectedService?.endpointLinks.map((e) => e.to) ?? []),
    [selectedService],
  );

  return (
    <section className="topology" aria-label="Topology canvas">
      <svg
        ref={svgRef}
        className="topology-svg"
        role="group"
        aria-label="Cluster topology"
        onClick={() => select(null)}
      >
        <MinTextContext.Provider value={MIN_TEXT[effectiveLod]}>
          <g ref={viewportRef}>
            <ServiceNetworkView layout={layout.serviceNetwork} />
            <NodeNetworkView layout={layout} />
            <RouterView layout={layout.router} />
            {layout.nodes.map((node) => (
              <NodeView
                key={node.id}
                layout={node}
                isGrouped={isGrouped}
                endpointIds={endpointIds}
                proxyMode={mode}
                {...(vteps ? { vtep: vteps.get(node.name) } : {})}
              />
            ))}
            {!isGrouped && cluster.networkPolicies.length > 0 && (
              <Suspense fallback={null}>
                <PolicyBadges layout={layout} />
              </Suspense>
            )}
            {selectedService && <EndpointLinks service={selectedService} />}
          </g>
        </MinTextContext.Provider>
      </svg>
      {/* The moving packet and its marks: an overlay on its own compositor layer, filled by the animator, so
          a frame of the animation never repaints the big topology SVG beneath it. */}
      <div ref={overlayRef} className="topology-overlay packet-layer" aria-hidden="true" />
      <div className="zoom-controls">
        <button
          type="button"
          aria-label="Zoom in"
          title="Zoom in"
          onClick={() => zoomRef.current?.zoomBy(1.3)}
        >
          +
        </button>
        <button
          type="button"
          aria-label="Zoom out"
          title="Zoom out"
          onClick={() => zoomRef.current?.zoomBy(1 / 1.3)}
        >
          −
        </button>
        <button
          type="button"
          aria-label="Fit to screen"
          title="Fit to screen"
          onClick={() => zoomRef.current?.fit(true)}
        >
          Fit
        </button>
      </div>
    </section>
  );
}
