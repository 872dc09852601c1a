import { memo } from 'react';
import type { RouterLayout } from '../../layout';
import { Selectable } from './Selectable';
import { BoxRect } from './BoxRect';
import { SvgText } from './SvgText';

export const RouterView = memo(function RouterView({ layout }: { layout: RouterLayout }) {
  const { deviceBox, table } = layout;
  const ip = layout.ip.text;
  return (
    <>
      <path className="wire wire-node-net" d={layout.uplink.d} />
      <Selectable id={layout.id} label={`Router router, ${ip}`} box={layout.box} className="router">
        <BoxRect className="router-box" box={deviceBox} rx={10} />
        <SvgText label={layout.title} />
        <SvgText label={layout.ip} />
        <BoxRect className="route-table" box={table.box} rx={6} />
        {table.headers.map((h, i) => (
          <SvgText key={i} label={h} />
        ))}
        {table.rows.map((row, i) => (
          <g key={row.id} data-id={row.id} className="route-row">
            {i % 2 === 0 && (
              <rect
                className="route-stripe"
                x={row.box.x + 2}
                y={row.box.y}
                width={row.box.width - 4}
                height={row.box.height}
              />
            )}
            <SvgText label={row.destination} />
            <SvgText label={row.nextHop} />
          </g>
        ))}
      </Selectable>
    </>
  );
});
