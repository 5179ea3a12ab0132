import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import { HOSTILE_ENDPOINT, hostileFixture } from './support.js';

// Opens the HTML report in a real Chromium, from a file as a user would, with the network watched:
// the report must render its charts, show its verdict and load nothing from anywhere.

const CHROMIUM = process.env.FAULTLINE_CHROMIUM ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`report browser test skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
}

describe.skipIf(!hasChromium)('HTML report in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let dir: string;
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  const requests: string[] = [];
  const failedRequests: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'faultline-report-'));
    const file = join(dir, 'report.html');
    // The fixture with an endpoint name and a title that are markup: the page must show them as text.
    writeFileSync(file, renderHtml(hostileFixture()));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('request', (request) => requests.push(request.url()));
    page.on('requestfailed', (request) => failedRequests.push(request.url()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('loads with no console error and requests nothing but itself', () => {
    expect(consoleErrors).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(failedRequests).toEqual([]);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatch(/^file:.*report\.html$/);
  });

  it('shows the verdict first', async () => {
    const badge = page.locator('header.verdict .badge');
    await expect.poll(() => badge.isVisible()).toBe(true);
    expect(await badge.textContent()).toBe('FAILURE');
    const box = await page.locator('header.verdict').boundingBox();
    expect(box?.y).toBe(0);
  });

  it('draws every chart as a visible SVG with a size', async () => {
    const sizes = await page.locator('figure.chart svg').evaluateAll((svgs) =>
      svgs.map((svg) => {
        const rect = svg.getBoundingClientRect();
        return { width: rect.width, height: rect.height, shapes: svg.querySelectorAll('path').length };
      }),
    );
    expect(sizes).toHaveLength(8);
    for (const size of sizes) {
      expect(size.width).toBeGreaterThan(300);
      expect(size.height).toBeGreaterThan(150);
      expect(size.shapes).toBeGreaterThan(10);
    }
    expect(await page.locator('figure.chart svg').first().isVisible()).toBe(true);
  });

  it('marks the onset of each matched finding on the time charts', async () => {
    const labels = await page
      .locator('#chart-latency svg text')
      .evaluateAll((texts) => texts.map((t) => t.textContent).filter((t) => t?.startsWith('#')));
    expect(labels).toEqual(['#1', '#2', '#3']);
    // The #1 line sits at 14:06:30, 6.5 of the 20 minutes along the plotted time axis.
    const position = await page.locator('#chart-latency svg').evaluate((svg) => {
      const label = [...svg.querySelectorAll('text')].find((t) => t.textContent === '#1');
      const axis = [...svg.querySelectorAll('text')].filter((t) => /^\d\d:\d\d$/.test(t.textContent ?? ''));
      const x = (e: Element) => e.getBoundingClientRect().x + e.getBoundingClientRect().width / 2;
      const first = axis.find((t) => t.textContent === '14:00');
      const last = axis.find((t) => t.textContent === '14:20');
      if (!label || !first || !last) return null;
      return (x(label) - x(first)) / (x(last) - x(first));
    });
    expect(position).not.toBeNull();
    expect(position ?? 0).toBeCloseTo(6.5 / 20, 1);
    expect(await page.locator('#finding-1 .onset').textContent()).toBe(
      '2026-11-22 14:06:30 UTC (+6m 30s into the test)',
    );
  });

  it('shows markup in names as text and runs none of it', async () => {
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('script, img, iframe, object').count()).toBe(0);
    const shown = HOSTILE_ENDPOINT.replace('\u0007', '\uFFFD');
    const cells = await page.locator('#load-test td code').allTextContents();
    expect(cells).toContain(shown);
    const legend = await page.locator('#chart-endpoint-p95 svg text').allTextContents();
    // Long legend labels are cut with an ellipsis; the start of the name is shown as text.
    expect(legend.some((t) => t.startsWith('POST /api/cart"><script>window.__pwned'))).toBe(true);
    expect(await page.title()).toContain('FAILURE');
  });

  it('prints the findings and charts', async () => {
    await page.emulateMedia({ media: 'print' });
    try {
      expect(await page.locator('nav').isVisible()).toBe(false);
      expect(await page.locator('#finding-1').isVisible()).toBe(true);
      expect(await page.locator('figure.chart svg').count()).toBe(8);
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }
  });

  it('takes a full-page screenshot for a person to look at', async () => {
    const shot = process.env.FAULTLINE_REPORT_SCREENSHOT ?? join(dir, 'report.png');
    const png = await page.screenshot({ path: shot, fullPage: true });
    // A PNG of a page this long is far larger than a blank one.
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(100_000);
  });
});
