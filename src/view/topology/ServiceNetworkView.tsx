import { memo } from 'react';
import type { ServiceLayout, ServiceNetworkLayout } from '../../layout';
import { Selectable } from './Selectable';
import { BoxRect } from './BoxRect';
import { SvgText } from './SvgText';

export const ServiceNetworkView = memo(function ServiceNetworkView({
  layout,
}: {
  layout: ServiceNetworkLayout;
}) {
  const { box, caption } = layout;
  const cidr = caption[0]?.text.replace(/^service network /, '') ?? '';
  return (
    <>
      <Selectable
        id={layout.id}
        label={`Service network ${cidr}`}
        box={box}
        className="svc-net"
        ringRadius={16}
      >
        <rect className="svc-net-box" x={box.x} y={box.y} width={box.width} height={box.height} rx={14} />
        <text className="t svc-net-caption" fontSize={caption[0]?.size}>
          {caption.map((l, i) => (
            <tspan
              key={i}
              x={l.x}
              y={l.y}
              fontSize={l.size}
              fontWeight={l.bold === true ? 700 : 400}
              className={i === 0 ? '' : 'caption-rest'}
            >
              {i < caption.length - 1 ? `${l.text} ` : l.text}
            </tspan>
          ))}
        </text>
      </Selectable>
      {layout.services.map((s) => (
        <ServicePill key={s.id} layout={s} />
      ))}
    </>
  );
});

function serviceAriaLabel(s: ServiceLayout): string {
  const address = s.lines[1]?.text ?? '';
  return `Service ${s.namespace}/${s.name}, ${address}`;
}

const ServicePill = memo(function ServicePill({ layout }: { layout: ServiceLayout }) {
  const { box, tag } = layout;
  const classes = ['svc', layout.isClusterDns ? 'svc-dns' : '', layout.hasClusterIP ? '' : 'svc-noip'].join(
    ' ',
  );
  return (
    <Selectable id={layout.id} label={serviceAriaLabel(layout)} box={box} className={classes} ringRadius={14}>
      <rect className="svc-box" x={box.x} y={box.y} width={box.width} height={box.height} rx={12} />
      {layout.lines.map((l, i) => (
        <SvgText key={i} label={l} />
      ))}
      {tag && (
        <>
          <BoxRect className="tag" box={tag.box} rx={4} />
          <SvgText label={tag.label} />
        </>
      )}
    </Selectable>
  );
});

export function EndpointLinks({ service }: { service: ServiceLayout }) {
  return (
    <g className="endpoint-links" aria-hidden="true">
      {service.endpointLinks.map((e) => (
        <path key={`${e.id}:halo`} className="halo" d={e.d} />
      ))}
      {service.endpointLinks.map((e) => (
        <path key={e.id} d={e.d} />
      ))}
      {service.endpointLinks.map((e) => {
        const end = e.points[e.points.length - 1];
        return end ? <circle key={`${e.id}:end`} cx={end.x} cy={end.y} r={5} /> : null;
      })}
    </g>
  );
}
