import { Parser } from 'pickleparser';
import { FormatError } from '../../errors';
import { resolveGlobal, resolveStorage } from './pickle-globals';

/**
 * Reads the `data.pkl` of a `torch.save` archive with pickleparser, a pickle interpreter that calls
 * out for every global and persistent id instead of importing anything. Our resolvers hand it only
 * inert records (see `pickle-globals.ts`), so the file cannot make it run code; dicts come back as
 * `Map`s (never plain objects, whose `__proto__` key a file could abuse). A damaged or hostile
 * pickle is a `FormatError` that starts with `what`.
 */
export function unpickle(bytes: Uint8Array, what: string): unknown {
  const parser = new Parser({
    nameResolver: { resolve: (module: string, name: string) => resolveGlobal(module, name, what) as never },
    persistentResolver: { resolve: (pid: unknown) => resolveStorage(pid, what) },
    extensionResolver: {
      resolve: (code: number) => {
        throw new FormatError(`${what}: the pickle uses extension code ${code}, which torch.save never writes`);
      },
    },
    unpicklingTypeOfDictionary: 'Map',
    unpicklingTypeOfSet: 'array',
  });
  try {
    return parser.parse(bytes);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (message.startsWith(`${what}:`)) throw err;
    throw new FormatError(`${what}: the pickle is damaged or not a state dict: ${message}`);
  }
}
