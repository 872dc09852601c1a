import { zoomIdentity } from 'd3-zoom';
import { describe, expect, it } from 'vitest';
import {
  FIT_PADDING,
  MAX_FIT_SCALE,
  MAX_SCALE,
  MIN_SCALE,
  fitTransform,
  isMeasurable,
  transformAttribute,
  zoomedBy,
} from '../../../src/view/d3/fit';

const view = { width: 1000, height: 600 };

describe('fitTransform', () => {
  it('scales wide content to the width within the padding and centres it vertically', () => {
    const t = fitTransform(view, { contentWidth: 1936, contentHeight: 400 });
    expect(t.k).toBeCloseTo((1000 - 2 * FIT_PADDING) / 1936);
    expect(t.x).toBeCloseTo(FIT_PADDING);
    expect(t.y).toBeCloseTo((600 - 400 * t.k) / 2);
  });

  it('scales tall content to the height and centres it horizontally', () => {
    const t = fitTransform(view, { contentWidth: 500, contentHeight: 2000 }, 20);
    expect(t.k).toBeCloseTo((600 - 40) / 2000);
    expect(t.y).toBeCloseTo(20);
    expect(t.x).toBeCloseTo((1000 - 500 * t.k) / 2);
  });

  it('never enlarges a small cluster beyond the fit limit, nor shrinks below the minimum scale', () => {
    expect(fitTransform(view, { contentWidth: 100, contentHeight: 50 }).k).toBe(MAX_FIT_SCALE);
    expect(fitTransform(view, { contentWidth: 100, contentHeight: 50 }, 16, 3).k).toBe(3);
    expect(fitTransform(view, { contentWidth: 1e7, contentHeight: 1e7 }).k).toBe(MIN_SCALE);
  });
});

describe('zoomedBy', () => {
  it('keeps the layout point under the centre of the view where it was', () => {
    const start = { x: 40, y: -30, k: 0.5 };
    const t = zoomedBy(start, 1.3, view);
    expect(t.k).toBeCloseTo(0.65);
    const centreBefore = { x: (500 - start.x) / start.k, y: (300 - start.y) / start.k };
    const centreAfter = { x: (500 - t.x) / t.k, y: (300 - t.y) / t.k };
    expect(centreAfter.x).toBeCloseTo(centreBefore.x);
    expect(centreAfter.y).toBeCloseTo(centreBefore.y);
  });

  it('stays within the scale extent', () => {
    expect(zoomedBy({ x: 0, y: 0, k: 3.5 }, 1.3, view).k).toBe(MAX_SCALE);
    expect(zoomedBy({ x: 0, y: 0, k: 0.035 }, 1 / 1.3, view).k).toBe(MIN_SCALE);
  });
});

describe('transformAttribute', () => {
  it('writes the transform exactly as d3-zoom does, so the controller takes over without a change', () => {
    const t = { x: 12.5, y: -3.25, k: 0.4375 };
    expect(transformAttribute(t)).toBe(zoomIdentity.translate(t.x, t.y).scale(t.k).toString());
  });
});

describe('isMeasurable', () => {
  it('is false for a view without geometry (jsdom, display: none)', () => {
    expect(isMeasurable({ width: 0, height: 0 })).toBe(false);
    expect(isMeasurable({ width: 800, height: 600 })).toBe(true);
  });
});
