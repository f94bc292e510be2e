export { backendInfo, getBackend, setNumThreads } from './select';
export type { BackendInfo } from './select';
export { checkedBackend, validateKernelArgs } from './validate';
export type { KernelName } from './validate';
