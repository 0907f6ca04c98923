// Drives the SPARQL query page in headless Chromium: picks a stored query by its title, runs
// it, and prints what the results table shows (JSON on stdout). Usage: node sparql_ui_check.js URL
const { chromium } = require("playwright-core");

async function main() {
  const url = process.argv[2];
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    ],
  });
  const outside = [];
  try {
    const page = await browser.newPage();
    page.on("request", (request) => {
      if (!request.url().startsWith(new URL(url).origin)) outside.push(request.url());
    });
    const errors = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    await page.goto(url, { waitUntil: "load" });
    await page.waitForSelector(".yasqe .CodeMirror");
    const initial = await page.evaluate(() => window.efopYasgui.getTab().getQuery());
    await page.selectOption("#stored-queries", { label: process.argv[3] });
    await page.waitForFunction(
      (title) => window.efopYasgui.getTab().getName() === title, process.argv[3]);
    await page.click(".tabPanel.active .yasqe_queryButton");
    await page.waitForSelector(".tabPanel.active .yasr table tbody tr td", { timeout: 20000 });
    const rows = await page.$$eval(".tabPanel.active .yasr table tbody tr", (trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll("td")).map((td) => td.innerText.trim())));
    const headers = await page.$$eval(".tabPanel.active .yasr table thead th", (ths) =>
      ths.map((th) => th.innerText.trim()));
    console.log(JSON.stringify({ initial, headers, rows, errors, outside }));
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
