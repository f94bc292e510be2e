/** Saving and loading models: the `rnn-model` format (model.json + weights.bin), checkpoints, attachments. */
export { saveModel, serializeModel } from './save';
export type { SaveableModel, SaveModelOptions } from './save';
export { loadModel } from './load';
export { ModelCheckpoint } from './model-checkpoint';
export type { ModelCheckpointOptions } from './model-checkpoint';
export { setAttachment, getAttachment, getAttachments } from './attachments';
export { MODEL_FORMAT, MODEL_FORMAT_VERSION } from './format';
export type { JsonValue, ModelFile, WeightEntry, WeightsManifest, SavedLayer } from './format';
