import { FormatError } from '../../errors';

/** Element types of torch storages, by the storage class `torch.save` names in the pickle. */
const STORAGE_DTYPES: Readonly<Record<string, string>> = {
  FloatStorage: 'float32',
  DoubleStorage: 'float64',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
  ComplexFloatStorage: 'complex64',
  ComplexDoubleStorage: 'complex128',
};

/** A storage class named by the pickle (`torch.FloatStorage`): only its element type matters. */
export class StorageType {
  constructor(readonly dtype: string) {
    Object.freeze(this);
  }
}

/** A storage the pickle refers to by persistent id; its bytes are the archive entry `data/<key>`. */
export class StorageRef {
  constructor(
    readonly key: string,
    readonly dtype: string,
    /** Elements of `dtype` in the storage. */
    readonly numel: number,
  ) {
    Object.freeze(this);
  }
}

/** What `torch._utils._rebuild_tensor_v2` was asked for: a strided view into a storage. */
export class TensorRecord {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly size: readonly number[],
    readonly stride: readonly number[],
  ) {
    Object.freeze(this);
  }
}

/**
 * What a global named by the pickle stands for. These few are everything `torch.save(state_dict)`
 * writes; each is plain data or a non-constructible function that only records its arguments, so
 * nothing named by the file ever runs. Any other global is a `FormatError` naming it.
 */
export function resolveGlobal(module: string, name: string, what: string): unknown {
  if (module === 'collections' && name === 'OrderedDict') return newOrderedDict;
  if (module === 'torch._utils' && (name === '_rebuild_tensor_v2' || name === '_rebuild_tensor')) return rebuildTensor;
  if (module === 'torch._utils' && name === '_rebuild_parameter') return rebuildParameter;
  if (module === 'torch' && Object.hasOwn(STORAGE_DTYPES, name)) return new StorageType(STORAGE_DTYPES[name]);
  throw new FormatError(
    `${what}: the pickle asks for the Python global '${module}.${name}'; a state dict needs only torch's ` +
      `tensor-rebuild functions, storage types and collections.OrderedDict, so the file is refused (nothing in it was run)`,
  );
}

/**
 * A persistent id `('storage', storage type, key, location, numel)`, as `torch.save` writes one per
 * storage, as a `StorageRef`; anything else is a `FormatError`.
 */
export function resolveStorage(pid: unknown, what: string): StorageRef {
  if (!Array.isArray(pid) || pid.length !== 5 || pid[0] !== 'storage' || !(pid[1] instanceof StorageType)) {
    throw new FormatError(`${what}: the pickle refers to a persistent object that is not a torch storage`);
  }
  const [, type, key, , numel] = pid as [string, StorageType, unknown, unknown, unknown];
  if (typeof key !== 'string' || !/^\w+$/.test(key) || !isCount(numel)) {
    throw new FormatError(`${what}: a storage reference has a malformed key or size (${String(key)}, ${String(numel)})`);
  }
  return new StorageRef(key, type.dtype, numel);
}

const newOrderedDict = (...args: unknown[]): Map<unknown, unknown> => {
  if (args.length > 0) throw new FormatError('the pickle builds an OrderedDict from arguments, which torch.save never does');
  return new Map();
};

const rebuildTensor = (storage: unknown, offset: unknown, size: unknown, stride: unknown): TensorRecord => {
  if (!(storage instanceof StorageRef) || !isCount(offset) || !isCountList(size) || !isCountList(stride) || size.length !== stride.length) {
    throw new FormatError('the pickle rebuilds a tensor from a malformed storage, offset, size or stride');
  }
  return new TensorRecord(storage, offset, Object.freeze([...size]), Object.freeze([...stride]));
};

const rebuildParameter = (data: unknown): TensorRecord => {
  if (!(data instanceof TensorRecord)) throw new FormatError('the pickle rebuilds a parameter from something that is not a tensor');
  return data;
};

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isCountList(value: unknown): value is number[] {
  return Array.isArray(value) && value.every(isCount);
}
