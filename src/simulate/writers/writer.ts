import type { SimulatedRequest } from '../engine.js';

/** Turns simulation events into the text of one result format, line by line. */
export interface ResultWriter {
  header(): string;
  request(request: SimulatedRequest): string;
  /** Active users at a moment (epoch ms); formats without a user series return ''. */
  users(time: number, active: number): string;
}
