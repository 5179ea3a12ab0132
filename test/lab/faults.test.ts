import { describe, expect, it } from 'vitest';
import { FAULTS, faultById } from '../../src/lab/faults.js';
import { LAB_POOL_MAX, type LabFault, type LoadShape } from '../../src/lab/types.js';

function switchesAt(fault: LabFault, rate: number) {
  const load: LoadShape = { rate, mix: fault.load?.mix ?? {}, keys: { count: 2000, hotShare: 0.3 } };
  return typeof fault.service === 'function' ? fault.service(load) : fault.service;
}

/** Orders per second in the fault's own mix at `rate` requests per second. */
function ordersAt(fault: LabFault, rate: number): number {
  const mix = fault.load?.mix ?? {};
  const weights = Object.values(mix).reduce((sum, w) => sum + (w ?? 0), 0);
  return (rate * (mix.order ?? 0)) / weights;
}

describe('lab faults', () => {
  it('have unique ids and say what they inject', () => {
    expect(new Set(FAULTS.map((f) => f.id)).size).toBe(FAULTS.length);
    for (const fault of FAULTS) expect(fault.injects.length).toBeGreaterThan(10);
  });

  it('hold pool connections long enough to overload the pool at any rate', () => {
    const fault = faultById('connection-pool-exhaustion') as LabFault;
    for (const rate of [20, 30, 40, 60, 120]) {
      const hold = Number(switchesAt(fault, rate)?.holdConnectionMs);
      expect(hold).toBeGreaterThanOrEqual(400);
      // Offered load: connections the orders ask for, against the pool's size.
      expect((ordersAt(fault, rate) * hold) / 1000 / LAB_POOL_MAX).toBeGreaterThanOrEqual(1.19);
    }
    // 30 requests/s, 4 in 9 of them orders: 13.3 orders/s need 900 ms each for 1.2 × 10 connections.
    expect(switchesAt(fault, 30)?.holdConnectionMs).toBe(900);
  });

  it('hold the counter row long enough to overload it at any rate', () => {
    const fault = faultById('shared-resource-lock-contention') as LabFault;
    for (const rate of [20, 30, 60]) {
      const hold = Number(switchesAt(fault, rate)?.hotRowHoldMs);
      expect(hold).toBeGreaterThanOrEqual(50);
      expect((ordersAt(fault, rate) * hold) / 1000).toBeGreaterThanOrEqual(1.19);
    }
  });
});
