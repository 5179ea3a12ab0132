import type { Signal } from '../signal.js';
import { clock, metricSignal, pct } from './emit.js';
import { shiftOf } from './measures.js';
import { spanOf, windowedShare } from './pairing.js';
import type { SeriesIndex } from './series-index.js';
import { levelName } from './timescale.js';

// Service-mesh client proxies: for each calling pod and destination service, the share of
// requests its proxy failed by itself because it had no route or cluster for them, found no
// healthy endpoint, or could not connect (Envoy flags NR, NC, UH, UF, URX), against the baseline.
// An application's own 5xx carries no such flag and is not counted: those requests reached it.

/**
 * Shares are computed only where the caller sent at least one request per second: below that a
 * single flagged request swings the share by whole percents.
 */
const MIN_REQUESTS_PER_SECOND = 1;

export function meshSignals(index: SeriesIndex): Signal[] {
  const out: Signal[] = [];
  for (const requests of index.all('mesh.requests')) {
    const failures = index.companion(requests, 'mesh.proxy-failures');
    const destination = requests.labels.destination_service ?? 'its destination';
    if (!failures) {
      // Prometheus has no series for a flag the proxy never set: no failure at all.
      out.push(
        metricSignal({
          name: 'metrics.mesh.proxy-failures.rise',
          about: requests,
          value: 0,
          unit: 'ratio',
          window: index.window,
          explanation: `The mesh proxy failed no request to ${destination} by itself (no NR, NC, UH, UF or URX flag in the window).`,
        }),
      );
      continue;
    }
    const share = windowedShare(failures.samples, requests.samples, MIN_REQUESTS_PER_SECOND);
    // Half a point of requests failed by the proxy is already a misroute of a subset or port that
    // an SLO of 99.5% notices; the way's own threshold says when it is an incident.
    const shift = shiftOf(share, index.baselineEnd(), { direction: 'up', minEffect: 0.005, smoothed: true });
    if (!shift) continue;
    const onset = shift.change?.onset;
    out.push(
      metricSignal({
        name: 'metrics.mesh.proxy-failures.rise',
        about: requests,
        value: Math.max(0, shift.effect),
        unit: 'ratio',
        window: spanOf(shift.change, index.window),
        onset,
        explanation: `The calling mesh proxy failed ${pct(shift.extreme.value)} of requests to ${destination} by itself (Envoy flags NR, NC, UH, UF or URX) at the highest ${levelName()} level (around ${clock(shift.extreme.at)}), against ${pct(shift.baseline)} in the baseline${onset !== undefined ? `, from ${clock(onset)}` : ''}.`,
      }),
    );
  }
  return out;
}
