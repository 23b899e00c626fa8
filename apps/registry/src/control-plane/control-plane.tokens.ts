/** The process environment the registry was started with (bootstrap admin key variables). */
export const CONTROL_PLANE_ENV = Symbol('CONTROL_PLANE_ENV');
/** The registry's SysManageConfig. */
export const CONTROL_PLANE_CONFIG = Symbol('CONTROL_PLANE_CONFIG');
/** Path prefix of every control-plane route. */
export const CONTROL_PLANE_PREFIX = 'api/v1/control-plane';
