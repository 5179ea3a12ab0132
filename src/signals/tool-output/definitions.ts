import type { SignalDefinition } from '../registry.js';

// The signals computed from tool-output evidence, as the registry lists them. The text ways of
// scenario signatures read the text signals by subject (scenario#way and its patterns).

const toolOutput = (name: string, unit: string, description: string): SignalDefinition => ({
  name,
  from: 'tool-output',
  unit,
  description,
});

export const TOOL_OUTPUT_SIGNALS: readonly SignalDefinition[] = [
  toolOutput(
    'tool-output.outcome',
    'outcome',
    'failed when a failure marker (an error line of the tool, a non-zero exit code, a FAILED status) comes after the last success marker; succeeded when a success marker comes last; unknown otherwise',
  ),
  toolOutput('tool-output.error-lines', 'lines', 'Lines recognized as error lines of a tool'),
  toolOutput(
    'tool-output.text.match',
    'chunks',
    'Per text way (subject scenario#way): failure chunks in which all its match patterns and keywords hit; cites the lines',
  ),
  toolOutput(
    'tool-output.text.pattern',
    'lines',
    'Per pattern of a text way (subject scenario#way#match|support|against#index): lines it hit in the failure chunks',
  ),
];
