export { initialize, checkInitializerName, INITIALIZER_NAMES } from './initializers';
export type { InitializerName } from './initializers';
