import type { NativeBinding as Binding, NativeBlasInfo as BlasInfo, NativeCpuInfo as CpuInfo } from '@rnn/backend-api';

/**
 * `require('@rnn/native')`: the compiled addon (its shape, `NativeBinding`, is part of the Backend
 * contract in `@rnn/backend-api`). The types ride on a namespace merged with the value, since a
 * CommonJS `export =` module cannot export anything else.
 */
declare const binding: Binding;

declare namespace binding {
  type NativeBinding = Binding;
  type NativeBlasInfo = BlasInfo;
  type NativeCpuInfo = CpuInfo;

  /**
   * The error thrown by `require('@rnn/native')` when no candidate binary loads: `causes` has one
   * line per candidate path, `fixes` the remedies.
   */
  interface NativeLoadError extends Error {
    code: 'RNN_NATIVE_UNAVAILABLE';
    causes: string[];
    fixes: string[];
  }
}

export = binding;
