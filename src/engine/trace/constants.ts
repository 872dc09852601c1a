/** The seed a trace uses when none is given (same input, same output). */
export const DEFAULT_SEED = 1;
