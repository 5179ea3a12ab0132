import { describe, expect, it } from 'vitest';
import { isErrorLine, isFailureMarker } from '../../../src/gather/tool-output/lines.js';

describe('error lines', () => {
  it('starts a chunk at the verdict of a gate that carries no error word', () => {
    for (const line of [
      'Jest: "global" coverage threshold for lines (80%) not met: 72.4%',
      'Total: 3 (UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: 2, CRITICAL: 1)',
      '2 critical severity vulnerabilities',
      '5 vulnerabilities (3 moderate, 2 high)',
      'Severity: critical',
    ]) {
      expect(isErrorLine(line), line).toBe(true);
      // A verdict explains a failure; whether the run failed is still decided by its markers.
      expect(isFailureMarker(line), line).toBe(false);
    }
  });

  it('does not start one at scans that found nothing serious', () => {
    for (const line of [
      'Total: 4 (UNKNOWN: 0, LOW: 3, MEDIUM: 1, HIGH: 0, CRITICAL: 0)',
      '3 vulnerabilities (1 low, 2 moderate)',
      'Severity: moderate',
      'found 0 vulnerabilities',
    ]) {
      expect(isErrorLine(line), line).toBe(false);
    }
  });
});
