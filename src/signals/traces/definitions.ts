import type { SignalDefinition } from '../registry.js';

// The signals computed from traces evidence, as the registry lists them.

export const TRACES_SIGNALS: readonly SignalDefinition[] = [];
