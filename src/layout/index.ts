export * from '../model/elementIds';
export * from './types';
export { layoutCluster, endpointPods, formatServicePorts, podColumns, FONT } from './layoutCluster';
export { pathBetween, type AnchorPath } from './paths';
export {
  levelOfDetail,
  isTextVisible,
  GROUP_PODS_BELOW,
  OVERVIEW_BELOW,
  type LevelOfDetail,
} from './levelOfDetail';
export { overlaps, contains } from './geometry';
export {
  pathForStep,
  pathsForSteps,
  pointAlong,
  pointOfElement,
  boxOfElement,
  routeRowFor,
  type StepPath,
  type StepEnds,
} from './stepPaths';
