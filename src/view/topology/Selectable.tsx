import type { KeyboardEvent, MouseEvent, ReactNode } from 'react';
import type { Rect } from '../../layout';
import { selectSelect } from '../../store';
import { useNetviz } from '../NetvizContext';

/**
 * A selectable element: a focusable SVG button. Click, Enter or Space selects it; the store's selection is
 * reflected in aria-pressed and drawn as a ring around `box`.
 */
export function Selectable({
  id,
  label,
  box,
  className,
  children,
  ringRadius = 8,
}: {
  id: string;
  label: string;
  box: Rect;
  className?: string;
  children: ReactNode;
  ringRadius?: number;
}) {
  const isSelected = useNetviz((s) => s.selectedId === id);
  const select = useNetviz(selectSelect);
  const onClick = (e: MouseEvent) => {
    e.stopPropagation();
    select(id);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      e.stopPropagation();
      select(id);
    }
  };
  return (
    <g
      role="button"
      tabIndex={0}
      aria-label={label}
      aria-pressed={isSelected}
      data-id={id}
      className={`sel ${className ?? ''}${isSelected ? ' is-selected' : ''}`}
      onClick={onClick}
      onKeyDown={onKeyDown}
    >
      {/* The ring goes first so that pills straddling the box edge stay readable on top of it. */}
      <rect
        className="ring"
        x={box.x - 4}
        y={box.y - 4}
        width={box.width + 8}
        height={box.height + 8}
        rx={ringRadius}
      />
      {children}
    </g>
  );
}
