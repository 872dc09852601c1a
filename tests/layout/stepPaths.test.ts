import { describe, expect, it } from 'vitest';
import { trace } from '../../src/engine/trace';
import { motionSamples } from '../../src/layout/stepPaths';
import {
  layoutCluster,
  pathForStep,
  pathsForSteps,
  pointAlong,
  pointOfElement,
  routeRowFor,
  type StepPath,
} from '../../src/layout';
import type { ProxyMode } from '../../src/model/types';
import { makeLargeCluster } from '../fixtures/largeCluster';
import { seedCluster } from '../fixtures/seedCluster';

const MODES: readonly ProxyMode[] = ['userspace', 'iptables', 'ipvs', 'nftables'];
const request = { from: { kind: 'pod', namespace: 'default', name: 'client' }, to: 'web-svc' } as const;

describe('pathForStep', () => {
  const layout = layoutCluster(seedCluster);

  for (const mode of MODES) {
    it(`gives every step of the default trace a place to draw in ${mode} mode`, () => {
      const t = trace(seedCluster, request, { mode });
      expect(t.steps.length).toBeGreaterThan(20);
      const paths = pathsForSteps(layout, t.steps);
      paths.forEach((path, i) => {
        const step = t.steps[i];
        expect(path, `step ${i} ${step?.kind} ${step?.from} → ${step?.at}`).not.toBeNull();
        const p = path as StepPath;
        for (const pt of p.points) {
          expect(Number.isFinite(pt.x) && Number.isFinite(pt.y)).toBe(true);
        }
        // The packet ends the step where the step says it is.
        expect(pointAlong(p, 1)).toEqual(pointOfElement(layout, step?.at ?? ''));
      });
    });
  }

  it('follows the wires from a node’s eth0 over the node network to the router', () => {
    const path = pathForStep(layout, { from: 'eth0:node-1', at: 'router' }) as StepPath;
    expect(path.isInPlace).toBe(false);
    expect(path.points.length).toBeGreaterThan(2);
    expect(path.points[0]).toEqual(layout.anchors.get('eth0:node-1'));
    expect(path.points[path.points.length - 1]).toEqual(layout.anchors.get('router'));
  });

  it('goes straight up into kube-proxy, which is not wired, and stays put when from equals at', () => {
    const up = pathForStep(layout, { from: 'eth0:node-1', at: 'kube-proxy:node-1' }) as StepPath;
    const box = layout.boxes.get('kube-proxy:node-1')?.box ?? { x: NaN, y: NaN, width: 0, height: 0 };
    expect(up.points).toHaveLength(2);
    expect(up.points[1]).toEqual({ x: box.x + box.width / 2, y: box.y + box.height / 2 });
    const still = pathForStep(layout, { from: 'cbr0:node-1', at: 'cbr0:node-1' }) as StepPath;
    expect(still.isInPlace).toBe(true);
    expect(still.length).toBe(0);
  });

  it('maps node and Service ids to their boxes, and returns null for ids that name nothing', () => {
    const node = layout.boxes.get('node:node-2')?.box ?? { x: NaN, y: NaN, width: 0, height: 0 };
    expect(pointOfElement(layout, 'node:node-2')).toEqual({
      x: node.x + node.width / 2,
      y: node.y + node.height / 2,
    });
    expect(pointOfElement(layout, 'svc:default/web-svc')).toEqual(layout.anchors.get('svc:default/web-svc'));
    expect(pathForStep(layout, { from: 'pod:nowhere/x', at: 'pod:nowhere/y' })).toBeNull();
  });
});

describe('pointAlong', () => {
  const path: StepPath = {
    from: 'a',
    at: 'b',
    points: [
      { x: 0, y: 0 },
      { x: 30, y: 0 },
      { x: 30, y: 10 },
    ],
    distances: [0, 30, 40],
    length: 40,
    isInPlace: false,
    d: '',
  };
  it('interpolates by distance along the polyline', () => {
    expect(pointAlong(path, 0)).toEqual({ x: 0, y: 0 });
    expect(pointAlong(path, 0.5)).toEqual({ x: 20, y: 0 });
    expect(pointAlong(path, 0.875)).toEqual({ x: 30, y: 5 });
    expect(pointAlong(path, 1)).toEqual({ x: 30, y: 10 });
    expect(pointAlong(path, 7)).toEqual({ x: 30, y: 10 });
  });
});

describe('routeRowFor', () => {
  const layout = layoutCluster(seedCluster);
  it('finds the router’s row by the route’s destination', () => {
    expect(routeRowFor(layout, '10.0.2.0/24 via 10.100.0.3 dev eth0')).toBe('route:10.0.2.0/24');
    expect(routeRowFor(layout, '192.168.0.0/16 via 10.100.0.9')).toBeNull();
    expect(routeRowFor(layout, undefined)).toBeNull();
  });
});

describe('a 50-node, 1,000-pod cluster', () => {
  it('has a path for every step of a trace between two far-apart pods’ Service', () => {
    const cluster = makeLargeCluster(50, 20);
    const layout = layoutCluster(cluster);
    const client = cluster.pods[cluster.pods.length - 1] ?? cluster.pods[0];
    if (!client) throw new Error('no pods');
    const t = trace(
      cluster,
      { from: { kind: 'pod', namespace: client.namespace, name: client.name }, to: 'web' },
      { mode: 'iptables' },
    );
    const paths = pathsForSteps(layout, t.steps);
    expect(paths.every((p) => p !== null)).toBe(true);
  });
});

describe('motionSamples', () => {
  const path = (points: { x: number; y: number }[]): StepPath => {
    const distances = [0];
    for (let i = 1; i < points.length; i += 1) {
      const a = points[i - 1] ?? { x: 0, y: 0 };
      const b = points[i] ?? { x: 0, y: 0 };
      distances.push((distances[i - 1] ?? 0) + Math.hypot(b.x - a.x, b.y - a.y));
    }
    const length = distances[distances.length - 1] ?? 0;
    return { from: 'a', at: 'b', points, distances, length, isInPlace: length === 0, d: '' };
  };
  const ease = (t: number) => t * t * (3 - 2 * t);

  it('starts at the first point, ends at the last, and passes every corner exactly', () => {
    const corner = { x: 100, y: 0 };
    const p = path([{ x: 0, y: 0 }, corner, { x: 100, y: 60 }]);
    const samples = motionSamples(p, ease, 1);
    expect(samples[0]).toEqual({ offset: 0, point: { x: 0, y: 0 } });
    expect(samples[samples.length - 1]).toEqual({ offset: 1, point: { x: 100, y: 60 } });
    const hit = samples.find((s) => Math.abs(s.point.x - 100) < 1e-6 && Math.abs(s.point.y) < 1e-6);
    expect(hit).toBeDefined();
    // Time only moves forward, and so does the packet (the easing is monotonic).
    for (let i = 1; i < samples.length; i += 1) {
      expect(samples[i]?.offset).toBeGreaterThanOrEqual(samples[i - 1]?.offset ?? 0);
    }
  });

  it('travels during the first part of the hop and then holds the end', () => {
    const p = path([
      { x: 0, y: 0 },
      { x: 50, y: 0 },
    ]);
    const samples = motionSamples(p, ease, 0.45, 10);
    const moving = samples.filter((s) => s.offset <= 0.45);
    expect(moving[moving.length - 1]).toEqual({ offset: 0.45, point: { x: 50, y: 0 } });
    expect(samples[samples.length - 1]).toEqual({ offset: 1, point: { x: 50, y: 0 } });
    // Eased: a quarter of the time covers less than a quarter of the way.
    const quarter = samples.find((s) => Math.abs(s.offset - 0.45 * 0.2) < 1e-9);
    expect(quarter?.point.x).toBeLessThan(50 * 0.2);
  });

  it('stays put for a step in place', () => {
    const p = path([{ x: 7, y: 9 }]);
    expect(motionSamples(p, ease, 1)).toEqual([
      { offset: 0, point: { x: 7, y: 9 } },
      { offset: 1, point: { x: 7, y: 9 } },
    ]);
  });
});
