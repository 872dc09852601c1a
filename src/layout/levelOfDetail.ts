/**
 * Semantic zoom: what to draw at a given zoom scale. Zoomed far out, a node's pods are drawn as one block
 * ("20 pods") and small text is skipped, so big clusters stay fast and readable.
 */

export type LevelOfDetail = 'detail' | 'grouped' | 'overview';

/** Below this scale pods are grouped per node. */
export const GROUP_PODS_BELOW = 0.5;
/** Below this scale only the biggest labels are drawn. */
export const OVERVIEW_BELOW = 0.22;
/** Text smaller than this on screen (px) is not drawn. */
export const MIN_SCREEN_TEXT = 5;

export function levelOfDetail(scale: number): LevelOfDetail {
  if (scale < OVERVIEW_BELOW) return 'overview';
  if (scale < GROUP_PODS_BELOW) return 'grouped';
  return 'detail';
}

export function isTextVisible(size: number, scale: number): boolean {
  return size * scale >= MIN_SCREEN_TEXT;
}
