import type { SignalDefinition } from '../registry.js';

// The signals computed from logs evidence, as the registry lists them.

export const LOGS_SIGNALS: readonly SignalDefinition[] = [];
