import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { buildPicture, svgTransform } from '../../../src/view/export/exportPicture';
import { App } from '../../../src/view/App';
import { seedCluster } from '../../fixtures/seedCluster';

const SVG_NS = 'http://www.w3.org/2000/svg';

function parse(text: string): Document {
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  expect(doc.getElementsByTagName('parsererror')).toHaveLength(0);
  expect(doc.documentElement.namespaceURI).toBe(SVG_NS);
  return doc;
}

function renderApp() {
  const user = userEvent.setup();
  const { container } = render(<App cluster={seedCluster} />);
  const svg = container.querySelector<SVGSVGElement>('svg.topology-svg');
  const overlay = container.querySelector<HTMLElement>('.topology-overlay');
  if (!svg || !overlay) throw new Error('no topology');
  return { user, svg, overlay };
}

const caption = {
  position: 'step 3 of 54',
  phase: 'DNS',
  phaseKey: 'dns' as const,
  caption: 'The resolver sends "web-svc.default.svc.cluster.local" <A?> & waits',
  source: 'kube-netviz · cluster seed · iptables',
};

describe('buildPicture', () => {
  it('is a well-formed standalone SVG holding the cluster and the caption band', () => {
    const { svg, overlay } = renderApp();
    const picture = buildPicture({ svg, overlay, caption });
    const doc = parse(picture.svg);
    const text = doc.documentElement.textContent ?? '';
    for (const node of seedCluster.nodes) expect(text).toContain(node.name);
    expect(text).toContain('router/gateway');
    // Quotes, angle brackets and ampersands in a caption survive as text.
    expect(text).toContain(caption.caption);
    expect(text).toContain(caption.position);
    expect(text).toContain(caption.source);
    const root = doc.documentElement;
    expect(Number(root.getAttribute('height'))).toBe(picture.height);
    expect(root.getAttribute('viewBox')).toBe(`0 0 ${picture.width} ${picture.height}`);
    expect(picture.height).toBeGreaterThan(640);
  });

  it('leaves out what belongs to the live page (classes, focus, ARIA), keeps element ids', () => {
    const { svg, overlay } = renderApp();
    const doc = parse(buildPicture({ svg, overlay, caption: null }).svg);
    const all = [...doc.getElementsByTagName('*')];
    expect(all.some((e) => e.hasAttribute('tabindex') || e.hasAttribute('role'))).toBe(false);
    expect(all.some((e) => e.hasAttribute('class') && e.getAttribute('class') !== 'packet')).toBe(false);
    expect(doc.querySelector('[data-id="router"]')).not.toBeNull();
    expect(doc.querySelector('g.caption')).toBeNull();
  });

  it('draws the packet glyph from the overlay where it rests, as SVG', async () => {
    const { user, svg, overlay } = renderApp();
    // Step to a hop that moves the packet (the glyph is hidden on packetless steps).
    await user.keyboard('{End}');
    // The animator loads after the first picture.
    const glyph = await waitFor(() => {
      const found = overlay.querySelector<HTMLElement>('[data-testid="packet"]');
      if (!found) throw new Error('no packet glyph yet');
      return found;
    });
    expect(glyph.style.display).not.toBe('none');
    const doc = parse(buildPicture({ svg, overlay, caption }).svg);
    const packet = doc.querySelector('g.packet');
    expect(packet).not.toBeNull();
    expect(packet?.getAttribute('transform')).toMatch(/^translate\(-?[\d.]+, -?[\d.]+\) scale\([\d.]+\)$/);
    expect(packet?.querySelector('path')).not.toBeNull();
  });

  it('writes computed styles onto the elements (CSS variables resolved by the browser)', () => {
    const { svg } = renderApp();
    const box = svg.querySelector('.router-box');
    if (!box) throw new Error('no router box');
    const real = window.getComputedStyle.bind(window);
    const spy = vi.spyOn(window, 'getComputedStyle').mockImplementation((element, pseudo) => {
      const style = real(element, pseudo);
      if (element !== box) return style;
      return new Proxy(style, {
        get: (target, key) =>
          key === 'getPropertyValue'
            ? (p: string) =>
                p === 'fill'
                  ? 'rgb(227, 240, 248)'
                  : p === 'stroke-width'
                    ? '2.5px'
                    : target.getPropertyValue(p)
            : Reflect.get(target, key),
      });
    });
    const doc = parse(buildPicture({ svg }).svg);
    spy.mockRestore();
    const copy = [...doc.getElementsByTagName('rect')].find((r) =>
      r.getAttribute('style')?.includes('2.5px'),
    );
    expect(copy?.getAttribute('style')).toContain('fill:rgb(227, 240, 248)');
  });
});

describe('svgTransform', () => {
  it('turns CSS transforms with px lengths into SVG transform lists', () => {
    expect(svgTransform('translate(12.5px, -3px) scale(1.25)')).toBe('translate(12.5, -3) scale(1.25)');
    expect(svgTransform('translateX(22px) scaleX(0.5) translateX(-22px)')).toBe(
      'translate(22, 0) scale(0.5, 1) translate(-22, 0)',
    );
    expect(svgTransform('')).toBe('');
    expect(svgTransform('none')).toBe('');
  });
});

describe('Export picture menu', () => {
  it('downloads an SVG named after the cluster, mode and step', async () => {
    const { user } = renderApp();
    const created: Blob[] = [];
    const createObjectURL = vi.fn((blob: Blob) => {
      created.push(blob);
      return 'blob:picture';
    });
    const revokeObjectURL = vi.fn();
    const saved = { createObjectURL: URL.createObjectURL, revokeObjectURL: URL.revokeObjectURL };
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    onTestFinished(() => void Object.assign(URL, saved));
    const clicked: HTMLAnchorElement[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      clicked.push(this);
    });
    await user.click(screen.getByRole('button', { name: 'Export picture' }));
    await user.click(await screen.findByRole('menuitem', { name: /^SVG/ }));
    await screen.findByText('Picture saved as SVG');
    click.mockRestore();
    expect(clicked[0]?.download).toBe('kube-netviz-seed-iptables-step-1.svg');
    expect(clicked[0]?.href).toBe('blob:picture');
    expect(created[0]?.type).toBe('image/svg+xml');
    parse(await (created[0] as Blob).text());
  });
});
