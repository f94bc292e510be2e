/**
 * The one option checker of the public API: unknown keys rejected with "did you mean", single values
 * checked with one message shape, and `describeValue` for every "got …" in an error message.
 */
export { describeValue } from './describe-value';
export { checkOptions, checkRequiredOptions, optionKeys } from './option-keys';
export { suggestNames, didYouMean } from './suggest';
export {
  checkBoolean,
  checkChoice,
  checkCount,
  checkNumber,
  checkPath,
  checkSeed,
  checkString,
  checkVerbose,
  describeBounds,
  optionError,
  type NumberBounds,
} from './option-values';
