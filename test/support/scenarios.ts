import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A small valid user scenario; tests replace lines to break it in one place. */
export function userScenarioYaml(id = 'payment-gateway-declines'): string {
  return `id: ${id}
title: Payment gateway declines every card
aliases:
  - card declined storm
category: third-party
severity: high
summary: The payment provider rejects all authorizations, so checkout fails while the rest of the site works.
recognizedFrom: [telemetry, text]
evidence: [logs, load-test]
symptoms:
  - "POST /checkout returns 502 while GET endpoints stay healthy"
  - "Log lines 'gateway response: do_not_honor' for every attempt"
rootCauses:
  - Merchant account suspended by the provider
diagnostics:
  - description: Count declines by reason in the last hour
    command: "grep -c do_not_honor /var/log/checkout/app.log"
remediation:
  - Switch checkout to the secondary provider
related: [dependency-unavailable]
`;
}

export function tempDir(prefix = 'faultline-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes <root>/<folder>/scenario.yaml (and optional fixture files) and returns the root. */
export function writeScenario(
  root: string,
  folder: string,
  yaml: string,
  fixtures: Record<string, string> = {},
): string {
  const dir = join(root, folder);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'scenario.yaml'), yaml);
  if (Object.keys(fixtures).length) {
    mkdirSync(join(dir, 'fixtures'), { recursive: true });
    for (const [name, content] of Object.entries(fixtures))
      writeFileSync(join(dir, 'fixtures', name), content);
  }
  return root;
}
