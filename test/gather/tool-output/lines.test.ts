import { describe, expect, it } from 'vitest';
import {
  isErrorLine,
  isFailureMarker,
  isNoticeLine,
  isSuccessMarker,
} from '../../../src/gather/tool-output/lines.js';

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

describe('notice lines', () => {
  it("knows Terraform's drift note, in text and in -json plans", () => {
    for (const line of [
      'Note: Objects have changed outside of Terraform',
      '│ Note: Objects have changed outside of OpenTofu',
      'Terraform detected the following changes made outside of Terraform since the',
      'module.net.aws_security_group.api["eu"]: Drift detected (update)',
      'aws_s3_bucket.logs: Drift detected (delete)',
    ]) {
      expect(isNoticeLine(line), line).toBe(true);
      // A notice does not decide the outcome: the plan after it still succeeds.
      expect(isFailureMarker(line), line).toBe(false);
      expect(isSuccessMarker(line), line).toBe(false);
    }
  });

  it('ignores the notes every plan prints and lines that only mention drift', () => {
    for (const line of [
      "Note: You didn't use the -out option to save this plan, so Terraform can't",
      'aws_security_group.api: Plan to update',
      'Plan: 0 to add, 1 to change, 0 to destroy.',
      'No changes. Your infrastructure matches the configuration.',
      '# Objects have changed outside of Terraform: see the runbook',
    ]) {
      expect(isNoticeLine(line), line).toBe(false);
    }
  });
});
