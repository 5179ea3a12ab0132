import { chromium } from 'playwright-core';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
await page.goto('file:///tmp/report.html');
const h = await page.evaluate(() => document.body.scrollHeight);
console.log('height', h);
for (let i = 0; i * 1400 < h && i < 8; i++) {
  await page.screenshot({ path: `/tmp/shot-${i}.png`, clip: { x: 0, y: i * 1400, width: 1200, height: 1400 }, fullPage: true });
}
await browser.close();
