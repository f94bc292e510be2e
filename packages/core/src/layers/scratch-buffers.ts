/**
 * Float32 buffers a layer reuses from one call to the next, by role, so a training step does not
 * allocate (and the garbage collector does not sweep) tens of megabytes of workspace per batch.
 *
 * A buffer is reallocated only when the length asked for changes (a new batch size or sequence
 * length); its contents are whatever the last user left, so only buffers that are fully overwritten
 * before they are read may come from here. Whoever takes a buffer owns its contents until the same
 * role is taken again: only buffers whose lifetime ends within one call or one training step belong
 * here — never a tensor handed to the user or to another layer.
 *
 * `busy` guards against overlapping training calls on the same layer (`apply({ training: true })`
 * twice at once, say): a layer marks its set busy while a kernel call on these buffers is in flight,
 * and a call that finds the set busy takes a fresh set (`ScratchBuffers.fresh()`) instead of sharing.
 * Inference calls, which overlap as a matter of course on a server, take sets from a `ScratchPool`.
 */
export class ScratchBuffers {
  /** A kernel call of the owner is in flight on these buffers. */
  busy = false;
  private readonly buffers = new Map<string, Float32Array>();

  constructor(private readonly keep = true) {}

  /** A set that allocates every buffer anew and keeps none (for a call that overlaps another). */
  static fresh(): ScratchBuffers {
    return new ScratchBuffers(false);
  }

  /** The buffer for `role` with `length` values: the previous one when the length matches, else new. */
  take(role: string, length: number): Float32Array {
    const buffer = this.buffers.get(role);
    if (buffer !== undefined && buffer.length === length) return buffer;
    const created = new Float32Array(length);
    if (this.keep) this.buffers.set(role, created);
    return created;
  }
}

/** Idle inference sets a layer keeps: enough for this many side-by-side calls to allocate nothing. */
export const INFERENCE_SCRATCH_SETS_KEPT = 8;

/**
 * Scratch sets for calls that may overlap (a server's side-by-side `predict` calls on one model):
 * each call takes a set that no call in flight holds and gives it back when it no longer reads it,
 * so overlapping calls reuse buffers instead of allocating (and the collector sweeping) a set each.
 * At most `keep` idle sets are kept; beyond that a given-back set is dropped.
 */
export class ScratchPool {
  private readonly idle: ScratchBuffers[] = [];

  constructor(private readonly keep: number) {}

  /** A set no other call holds: the last one given back, else a new one. */
  take(): ScratchBuffers {
    return this.idle.pop() ?? new ScratchBuffers();
  }

  /** Returns `set` (taken from here; its caller no longer reads it) for later calls. */
  give(set: ScratchBuffers): void {
    if (this.idle.length < this.keep) this.idle.push(set);
  }
}

/** `source`'s values in `target` when the lengths agree (a buffer reused from call to call), else in a new copy. */
export function copyInto(target: Float32Array | undefined, source: Float32Array): Float32Array {
  if (target && target.length === source.length) {
    target.set(source);
    return target;
  }
  return source.slice();
}
