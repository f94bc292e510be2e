/** PyTorch files: `torch.save(module.state_dict())` archives, read without running anything from them. */
export { loadTorchStateDict } from './load-state-dict';
