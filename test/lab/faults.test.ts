import { describe, expect, it } from 'vitest';
import { FAULTS, faultById } from '../../src/lab/faults.js';
import { DEFAULT_LOAD } from '../../src/lab/run.js';
import {
  LAB_FD_LIMIT,
  LAB_POOL_MAX,
  type LabFault,
  type LabRequest,
  type LoadShape,
} from '../../src/lab/types.js';

function switchesAt(fault: LabFault, rate: number) {
  const load: LoadShape = { ...DEFAULT_LOAD, rate, mix: fault.load?.mix ?? DEFAULT_LOAD.mix };
  return typeof fault.service === 'function' ? fault.service(load) : fault.service;
}

/** Requests per second of one kind in the fault's mix at `rate` requests per second. */
function rateIn(fault: LabFault, rate: number, request: LabRequest): number {
  const mix = fault.load?.mix ?? DEFAULT_LOAD.mix;
  const weights = Object.values(mix).reduce((sum, w) => sum + (w ?? 0), 0);
  return (rate * (mix[request] ?? 0)) / weights;
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
      expect((rateIn(fault, rate, 'order') * hold) / 1000 / LAB_POOL_MAX).toBeGreaterThanOrEqual(1.19);
    }
    // 30 requests/s, 4 in 9 of them orders: 13.3 orders/s need 900 ms each for 1.2 × 10 connections.
    expect(switchesAt(fault, 30)?.holdConnectionMs).toBe(900);
  });

  it('hold the counter row long enough to overload it at any rate', () => {
    const fault = faultById('shared-resource-lock-contention') as LabFault;
    for (const rate of [20, 30, 60]) {
      const hold = Number(switchesAt(fault, rate)?.hotRowHoldMs);
      expect(hold).toBeGreaterThanOrEqual(50);
      expect((rateIn(fault, rate, 'order') * hold) / 1000).toBeGreaterThanOrEqual(1.19);
    }
  });

  it('leak enough descriptors per product read to run out within 40 s at any rate', () => {
    const fault = faultById('file-descriptor-exhaustion') as LabFault;
    // One file a read, as before, where that is fast enough.
    expect(switchesAt(fault, 60)?.leakFds).toBe(1);
    for (const rate of [10, 30, 60]) {
      const perRead = Number(switchesAt(fault, rate)?.leakFds);
      expect(LAB_FD_LIMIT / (perRead * rateIn(fault, rate, 'product'))).toBeLessThanOrEqual(40);
    }
  });
});
