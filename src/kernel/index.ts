/** Kernel: what every part of the platform may use. Nothing here depends on engines or modules. */
export { AppError, isAppError, statusOfKind, type ErrorKind, type ErrorDetails } from './errors.ts';
export { loadConfig, configVariables, type Config } from './config.ts';
export { createLogger, type Logger } from './logger.ts';
export { systemClock, fixedClock, type Clock } from './clock.ts';
export { ALL_REGIONS, inDepartments, inRegion, regionPrefix, sameDepartment, type DepartmentScope, type RegionScope } from './scope.ts';
