import type { Endpoint } from './model.js';

// The virtual shop the simulated users call. Latencies and sizes are those of a small, healthy
// web shop: list pages a few tens of ms, checkout slower (payment call), static files from a CDN.

export const BASE_URL = 'https://shop.example.test';

export const SHOP_ENDPOINTS: readonly Endpoint[] = [
  {
    label: 'GET /api/products',
    method: 'GET',
    path: '/api/products',
    weight: 0.34,
    medianMs: 45,
    sigma: 0.32,
    bytes: 18_400,
    bytesSigma: 0.08,
    sentBytes: 212,
    servedBy: 'app',
  },
  {
    label: 'GET /api/products/{id}',
    method: 'GET',
    path: '/api/products/{id}',
    weight: 0.3,
    medianMs: 28,
    sigma: 0.3,
    bytes: 4_300,
    bytesSigma: 0.15,
    sentBytes: 208,
    servedBy: 'app',
  },
  {
    label: 'POST /api/cart',
    method: 'POST',
    path: '/api/cart',
    weight: 0.15,
    medianMs: 62,
    sigma: 0.34,
    bytes: 640,
    bytesSigma: 0.1,
    sentBytes: 388,
    servedBy: 'app',
  },
  {
    label: 'POST /api/checkout',
    method: 'POST',
    path: '/api/checkout',
    weight: 0.07,
    medianMs: 175,
    sigma: 0.38,
    bytes: 910,
    bytesSigma: 0.06,
    sentBytes: 846,
    servedBy: 'app',
  },
  {
    label: 'GET /static/app.js',
    method: 'GET',
    path: '/static/app.js',
    weight: 0.14,
    medianMs: 4,
    sigma: 0.45,
    bytes: 245_611,
    bytesSigma: 0,
    sentBytes: 198,
    servedBy: 'edge',
  },
];

export function endpointNamed(endpoints: readonly Endpoint[], label: string): Endpoint {
  const endpoint = endpoints.find((e) => e.label === label);
  if (!endpoint) throw new Error(`the virtual service has no endpoint "${label}"`);
  return endpoint;
}

/** Reason phrases as servers send them (JMeter writes them as responseMessage). */
export const REASON_PHRASES: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  404: 'Not Found',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};
