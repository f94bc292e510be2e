export { backendInfo, getBackend, setNumThreads } from './select';
export type { BackendInfo } from './select';
