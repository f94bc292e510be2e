import { FormatError } from '../../errors';
import type { FloatDataset, Hdf5File } from './hdf5-file';
import { RECURRENT_CLASSES } from './keras-layers';
import type { KerasLayerConfig } from './model-config';

/** One Keras variable: where it is in the HDF5 file, and its values. */
export interface KerasVariable extends FloatDataset {
  path: string;
}


/** Keras's `naming.to_snake_case`: `SimpleRNN` → `simple_rnn`, `LSTM` → `lstm`. */
export function toSnakeCase(name: string): string {
  const plain = name.replace(/\W+/g, '').replace(/(.)([A-Z][a-z]+)/g, '$1_$2');
  return plain.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

/**
 * Each layer's variables in a Keras 3 `model.weights.h5`, in creation order. Keras addresses layers
 * by class, not by name (`saving_lib._save_container_state`): `layers/<snake_case class>` with
 * `_1`, `_2` for repeats (tf.keras 2.13: `_layer_checkpoint_dependencies/…`); an RNN's variables are under `cell/vars`, a Bidirectional's under
 * `forward_layer/cell/vars` then `backward_layer/cell/vars`, others under `vars`. A layer with
 * weights but no group is a `FormatError` naming it.
 */
export function keras3Variables(h5: Hdf5File, layers: readonly KerasLayerConfig[], what: string): KerasVariable[][] {
  const used = new Map<string, number>();
  return layers.map((spec) => {
    const snake = toSnakeCase(spec.className);
    const count = used.get(snake);
    used.set(snake, count === undefined ? 0 : count + 1);
    const unique = count === undefined ? snake : `${snake}_${count + 1}`;
    // tf.keras 2.13 kept the layers under _layer_checkpoint_dependencies; Keras's H5IOStore.get reads both.
    const path = [`layers/${unique}`, `_layer_checkpoint_dependencies/${unique}`].find((p) => h5.has(p));
    if (!path) {
      if (spec.className === 'Dropout') return [];
      throw new FormatError(`${what}: model.weights.h5 has no layers/${unique}, where the weights of layer '${spec.name}' (${spec.className}) belong: the file is missing a layer`);
    }
    const groups =
      spec.className === 'Bidirectional'
        ? [`${path}/forward_layer/cell/vars`, `${path}/backward_layer/cell/vars`]
        : RECURRENT_CLASSES.includes(spec.className)
          ? [`${path}/cell/vars`]
          : [`${path}/vars`];
    return groups.flatMap((group) => (h5.has(group) ? numbered(h5, group, what) : []));
  });
}

/** The datasets `0`, `1`, … of a `vars` group, in order; any other member is a `FormatError`. */
function numbered(h5: Hdf5File, group: string, what: string): KerasVariable[] {
  const keys = h5.keys(group);
  const expected = keys.map((_, i) => String(i));
  if ([...keys].sort((a, b) => Number(a) - Number(b)).join() !== expected.join()) {
    throw new FormatError(`${what}: ${group} holds ${keys.join(', ')}; Keras numbers a layer's variables 0, 1, …`);
  }
  return expected.map((key) => ({ path: `${group}/${key}`, ...h5.floats(`${group}/${key}`) }));
}

/**
 * Each layer's variables in a legacy Keras 2 `.h5` (`legacy_h5_format.save_weights_to_hdf5_group`):
 * the group `model_weights/<layer name>` lists its datasets in its `weight_names` attribute, in
 * creation order. A layer with weights but no group is a `FormatError` naming it.
 */
export function legacyVariables(h5: Hdf5File, layers: readonly KerasLayerConfig[], what: string): KerasVariable[][] {
  return layers.map((spec) => {
    const group = `model_weights/${spec.name}`;
    if (!h5.has(group)) {
      if (spec.className === 'Dropout') return [];
      throw new FormatError(`${what}: the file has no ${group}, where the weights of layer '${spec.name}' (${spec.className}) belong: the file is missing a layer`);
    }
    const names = h5.attr(group, 'weight_names') ?? [];
    if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) {
      throw new FormatError(`${what}: ${group} has a weight_names attribute that is not a list of names`);
    }
    return names.map((name: string) => ({ path: `${group}/${name}`, ...h5.floats(`${group}/${name}`) }));
  });
}
