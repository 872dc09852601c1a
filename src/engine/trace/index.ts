export { trace, TraceInputError, DEFAULT_SEED } from './trace';
export type * from './types';
