import { createContext, useContext } from 'react';
import type { Label } from '../../layout';

/** Text smaller than this (layout units) is skipped at the current zoom (semantic zoom). */
export const MinTextContext = createContext(0);

export function SvgText({ label, className }: { label: Label; className?: string }) {
  const minSize = useContext(MinTextContext);
  if (label.size < minSize) return null;
  const classes = [
    't',
    label.mono === true ? 't-mono' : '',
    label.bold === true ? 't-bold' : '',
    className ?? '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <text
      x={label.x}
      y={label.y}
      fontSize={label.size}
      textAnchor={label.anchor ?? 'start'}
      className={classes}
    >
      {label.text}
    </text>
  );
}
