/** Keras files: Keras 3 `.keras` archives and legacy Keras 2 `.h5` models, read into a Sequential. */
export { importKeras } from './import-keras';
