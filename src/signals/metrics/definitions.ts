import type { SignalDefinition } from '../registry.js';

// The signals computed from metrics evidence, as the registry lists them.

export const METRICS_SIGNALS: readonly SignalDefinition[] = [];
