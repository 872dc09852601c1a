export * from './createNetvizStore';
export * from './selectors';
