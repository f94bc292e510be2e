import type { Backend } from '@rnn/backend-api';
import { NativeUnavailableError } from '../errors';

/**
 * The one place core reaches for the native addon. Never imported statically by anything else.
 * (Replaced by the native backend's loader.)
 */
export function loadNativeBackend(): { backend: Backend; error?: undefined } | { backend?: undefined; error: NativeUnavailableError } {
  return { error: new NativeUnavailableError('The native backend is not built.', ['@rnn/native is not built']) };
}
