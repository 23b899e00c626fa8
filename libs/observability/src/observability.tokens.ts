/** DI token of the process's root pino Logger given to ObservabilityModule.forRoot. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');
/** DI token of the ObservabilityOptions given to ObservabilityModule.forRoot. */
export const OBSERVABILITY_OPTIONS = Symbol('OBSERVABILITY_OPTIONS');
