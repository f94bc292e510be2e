/** `describeValue` is defined in the contract package, next to the kernel-argument errors that use it too. */
export { describeValue } from '@rnn/backend-api';
