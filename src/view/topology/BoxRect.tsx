import type { Rect } from '../../layout';

/** A laid-out box drawn as an SVG rectangle. */
export function BoxRect({ box, className, rx }: { box: Rect; className?: string; rx?: number }) {
  return <rect className={className} x={box.x} y={box.y} width={box.width} height={box.height} rx={rx} />;
}
