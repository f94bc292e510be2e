import type { Backend } from '@rnn/backend-api';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { ConfigError, NativeUnavailableError } from '../errors';
import { createNativeBackend, NATIVE_BINDING_FUNCTIONS, type NativeBinding } from './native-backend';

// Compiled CommonJS has `require`; vitest provides one too. createRequire covers any other host.
const nodeRequire: NodeRequire =
  typeof require === 'function'
    ? require
    : createRequire(typeof __filename === 'string' ? __filename : path.join(process.cwd(), 'index.js'));

/** What to do when @rnn/native is not installed at all. */
const INSTALL_NATIVE = 'install it: npm install @rnn/native (an optional dependency of @rnn/core; installs that omit optional dependencies leave it out)';

/** Why `require('@rnn/native')` failed, one line per cause (the loader's own list when it has one). */
function causesOf(error: unknown): string[] {
  const e = error as { code?: string; message?: string; causes?: unknown };
  if (e?.code === 'RNN_NATIVE_UNAVAILABLE' && Array.isArray(e.causes)) return e.causes.map(String);
  if (isMissingPackage(error)) return ['@rnn/native is not installed (it is an optional dependency of @rnn/core)'];
  return [String(e?.message ?? error).split('\n')[0]];
}

function isMissingPackage(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return e?.code === 'MODULE_NOT_FOUND' && /@rnn\/native/.test(e.message ?? '');
}

/**
 * The remedies: the loader's own (`fixes`, from @rnn/native's lib/install-fix.js, where the install
 * text is written once), else that module's, else how to install the package.
 */
function fixesOf(error: unknown): string[] {
  const fixes = (error as { fixes?: unknown })?.fixes;
  if (Array.isArray(fixes)) return fixes.map(String);
  if (isMissingPackage(error)) return [INSTALL_NATIVE];
  try {
    return [...(nodeRequire('@rnn/native/lib/install-fix') as { LOAD_FIXES: readonly string[] }).LOAD_FIXES];
  } catch {
    return [INSTALL_NATIVE];
  }
}

/** The typed error for a failed `require('@rnn/native')`: every cause, and the fix in the message. */
export function nativeUnavailableError(error: unknown): NativeUnavailableError {
  const causes = causesOf(error);
  return unavailable(causes, fixesOf(error));
}

function unavailable(causes: string[], fixes: string[]): NativeUnavailableError {
  return new NativeUnavailableError(`The native backend cannot load: ${causes.join('; ')}. To fix: ${fixes.join('; ')}.`, causes);
}

/**
 * The one place core reaches for the native addon, at runtime (never imported statically, so core
 * works where `@rnn/native` is absent). Returns the backend, or a `NativeUnavailableError` whose
 * `causes` lists every reason (per candidate binary) and whose message says how to fix it. Throws
 * `ConfigError` when `RNN_CPU` names a level this CPU cannot run, or `RNN_NUM_THREADS` no thread count.
 */
export function loadNativeBackend(): { backend: Backend; error?: undefined } | { backend?: undefined; error: NativeUnavailableError } {
  let binding: Partial<NativeBinding>;
  try {
    binding = nodeRequire('@rnn/native') as Partial<NativeBinding>;
  } catch (error) {
    // A wrong RNN_CPU or RNN_NUM_THREADS: a setting to fix, never a reason to fall back.
    const code = (error as { code?: unknown })?.code;
    if (code === 'RNN_CPU_LEVEL' || code === 'RNN_NUM_THREADS') throw new ConfigError((error as Error).message);
    return { error: nativeUnavailableError(error) };
  }
  const missing = NATIVE_BINDING_FUNCTIONS.filter((name) => typeof binding[name] !== 'function');
  if (missing.length > 0) {
    const causes = [`@rnn/native loaded but lacks ${missing.join(', ')} (a binary from another version)`];
    return { error: unavailable(causes, fixesOf(null)) };
  }
  return { backend: createNativeBackend(binding as NativeBinding) };
}
