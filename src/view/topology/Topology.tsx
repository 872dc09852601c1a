import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { layoutCluster, levelOfDetail, type LevelOfDetail } from '../../layout';
import { selectCluster, selectMode, selectSelect, selectSelectedId } from '../../store';
import { createPacketAnimator, type PacketAnimator, type ViewTransform } from '../d3/createPacketAnimator';
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
  const overlayRef = useRef<HTMLDivElement>(null);
  const animatorRef = useRef<PacketAnimator | null>(null);
  const viewRef = useRef<ViewTransform>({ x: 0, y: 0, k: 1 });
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
      // The packet's overlay follows the same zoom and pan as the topology.
      onTransform: (view) => {
        viewRef.current = view;
        animatorRef.current?.update({ view });
      },
      onScale: (k) => {
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
    const overlay = overlayRef.current;
    const scene = svgRef.current;
    if (!overlay || !scene) return;
    const animator = createPacketAnimator(overlay, { store, layout, scene, view: viewRef.current });
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
