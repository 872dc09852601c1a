export * from './createNetvizStore';
export * from './selectors';
export * from './simulationSlice';
export * from './actions';
export * from './engine';
export * from './presentSlice';
