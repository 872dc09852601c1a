import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { layoutCluster, levelOfDetail, type LevelOfDetail } from '../../layout';
import { selectCluster, selectMode, selectSelect, selectSelectedId } from '../../store';
import { createPacketAnimator, type PacketAnimator } from '../d3/createPacketAnimator';
import { createZoom, type ZoomController } from '../d3/createZoom';
import { useNetviz, useNetvizStore } from '../NetvizContext';
import './animation.css';
import { NodeNetworkView, NodeView } from './NodeView';
import { RouterView } from './RouterView';
import { EndpointLinks, ServiceNetworkView } from './ServiceNetworkView';
import { MinTextContext } from './SvgText';

const MIN_TEXT: Record<LevelOfDetail, number> = { detail: 0, grouped: 14, overview: 30 };

export function Topology() {
  const cluster = useNetviz(selectCluster);
  const selectedId = useNetviz(selectSelectedId);
  const select = useNetviz(selectSelect);
  const mode = useNetviz(selectMode);
  const store = useNetvizStore();
  const layout = useMemo(() => layoutCluster(cluster), [cluster]);
  const svgRef = useRef<SVGSVGElement>(null);
  const viewportRef = useRef<SVGGElement>(null);
  const zoomRef = useRef<ZoomController | null>(null);
  const packetLayerRef = useRef<SVGGElement>(null);
  const animatorRef = useRef<PacketAnimator | null>(null);
  const scaleRef = useRef(1);
  // Until the first fit is known, draw the cheap version (pods grouped).
  const [lod, setLod] = useState<LevelOfDetail | null>(null);

  useLayoutEffect(() => {
    const svg = svgRef.current;
    const viewport = viewportRef.current;
    if (!svg || !viewport) return;
    const controller = createZoom(svg, {
      viewport,
      contentWidth: layout.width,
      contentHeight: layout.height,
      onScale: (k) => {
        scaleRef.current = k;
        animatorRef.current?.update({ scale: k });
        setLod(levelOfDetail(k));
      },
    });
    zoomRef.current = controller;
    controller.fit();
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
            if (!userZoomed) controller.fit();
          });
    observer?.observe(svg);
    return () => {
      observer?.disconnect();
      svg.removeEventListener('wheel', markZoomed);
      svg.removeEventListener('pointerdown', markZoomed);
      controller.destroy();
      zoomRef.current = null;
    };
  }, [layout]);

  // The moving packet: a D3-style controller that reads the store outside React (no re-render per frame).
  useLayoutEffect(() => {
    const layer = packetLayerRef.current;
    if (!layer) return;
    const animator = createPacketAnimator(layer, { store, layout, scale: scaleRef.current });
    animatorRef.current = animator;
    return () => {
      animator.destroy();
      animatorRef.current = null;
    };
  }, [store, layout]);

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
              />
            ))}
            {selectedService && <EndpointLinks service={selectedService} />}
            <g ref={packetLayerRef} className="packet-layer" />
          </g>
        </MinTextContext.Provider>
      </svg>
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
