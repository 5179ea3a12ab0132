import { KNOWN_FAILURES } from '../../logs/known-failures.js';
import type { SignalDefinition } from '../registry.js';

// The signals computed from logs evidence, as the registry lists them.

const logs = (name: string, unit: string, description: string): SignalDefinition => ({
  name,
  from: 'logs',
  unit,
  description,
});

export const LOGS_SIGNALS: readonly SignalDefinition[] = [
  logs(
    'logs.template.new',
    'records',
    'Per template (subject template:<id>): records of a template first seen after the baseline window; 0 when it was seen in the baseline',
  ),
  logs(
    'logs.template.rate-rise',
    'ratio',
    'Per template: highest rate of a stretch significantly above the baseline rate, divided by it (quasi-Poisson test); 1 when none',
  ),
  logs('logs.errors.per-minute', 'records/min', 'Error and fatal records per minute over the log'),
  logs('logs.warnings.per-minute', 'records/min', 'Warning records per minute over the log'),
  logs(
    'logs.errors.rise',
    'ratio',
    'Rate of error and fatal records in the stretch significantly above the baseline divided by the baseline rate; 1 when none',
  ),
  logs(
    'logs.warnings.rise',
    'ratio',
    'Rate of warning records in the stretch significantly above the baseline divided by the baseline rate; 1 when none',
  ),
  logs('logs.errors.share', 'ratio', 'Error and fatal records divided by all records'),
  logs(
    'logs.errors.new-templates',
    'templates',
    'Templates at error or fatal level first seen after the baseline window',
  ),
  logs('logs.templates.new', 'templates', 'Templates of any level first seen after the baseline window'),
  ...KNOWN_FAILURES.map((family) =>
    logs(
      `logs.known.${family.id}`,
      'records',
      `Records whose message or stack-trace cause says ${family.title}; 0 when none`,
    ),
  ),
  ...KNOWN_FAILURES.map((family) =>
    logs(
      `logs.known.${family.id}.episodes`,
      'episodes',
      `Separate bursts of records that say ${family.title}, split where none came for 30 s; 0 when none`,
    ),
  ),
  ...KNOWN_FAILURES.map((family) =>
    logs(
      `logs.known.${family.id}.startup-share`,
      'ratio',
      `Share of the records that say ${family.title} falling in the first minute of their log (logs of 5 min or more); 0 when none`,
    ),
  ),
];
