import { endToEndTestConfig } from '../../vitest.shared.mts';

export default endToEndTestConfig();
