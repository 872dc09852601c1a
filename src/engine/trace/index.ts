export { trace, TraceInputError, DEFAULT_SEED } from './trace';
export { volley, type VolleyResult } from './volley';
export { summarizeTrace, type TraceSummary } from './summary';
export type * from './types';
