import { describe, expect, it } from 'vitest';
import { find, onsetMinute, signalsOf, value } from './synthetic.js';

/** Two servers at 100 requests/s each, failing `share(m)` of them. */
function service(share: (m: number) => number) {
  return signalsOf(
    [1, 2].flatMap((i) => [
      { role: 'http.requests' as const, subject: `instance=s${i}:8080`, value: () => 100, noise: 0.03 },
      {
        role: 'http.errors' as const,
        subject: `instance=s${i}:8080`,
        value: (m: number) => 100 * share(m),
        noise: 0.1,
      },
    ]),
    { minutes: 210, seed: 91 },
  );
}

describe('error budget signals', () => {
  it('finds a fast burn once both the hour and the last 5 minutes burn 14.4× the budget', () => {
    // 2% of requests fail from minute 60: 20× the 0.1% budget; the hour passes 14.4× after ~43 minutes.
    const signals = service((m) => (m < 60 ? 0.0005 : 0.02));
    expect(value(signals, 'metrics.slo.burn-rate.fast')).toBeGreaterThan(18);
    expect(value(signals, 'metrics.slo.burn-rate.fast')).toBeLessThan(22);
    expect(Math.abs(onsetMinute(signals, 'metrics.slo.burn-rate.fast') - 103)).toBeLessThan(4);
    // 150 minutes at 20× and 60 at 0.5× of 30 days' budget: about 7%.
    expect(value(signals, 'metrics.slo.budget-consumed')).toBeGreaterThan(0.06);
    expect(value(signals, 'metrics.slo.budget-consumed')).toBeLessThan(0.08);
  });

  it('does not take a few minutes of errors for a fast burn', () => {
    // 20% for 3 minutes: the 5-minute window burns over 100×, the hour only 20% × 3/60 / 0.1% = 10×.
    const signals = service((m) => (m >= 100 && m < 103 ? 0.2 : 0.0005));
    expect(value(signals, 'metrics.slo.burn-rate.fast')).toBeLessThan(14.4);
    expect(find(signals, 'metrics.slo.burn-rate.fast').onset).toBeUndefined();
  });
});
