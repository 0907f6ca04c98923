// Loads pages of the publisher in headless Chromium under the server's own headers and prints
// (JSON on stdout) every content-security-policy violation and page error they cause. On the
// SPARQL page it also runs the initial query and shows its results as a table and as the raw
// response, so the editor's own scripts and styles are measured too.
// Usage: node csp_check.js ROOT_URL PATH...
const { chromium } = require("playwright-core");

async function visit(browser, root, path) {
  const page = await browser.newPage();
  const violations = [];
  const errors = [];
  const outside = [];
  await page.exposeFunction("efopViolation", (v) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      window.efopViolation(
        `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`,
      );
    });
  });
  page.on("pageerror", (error) => errors.push(String(error)));
  page.on("request", (request) => {
    if (!request.url().startsWith(new URL(root).origin) && !request.url().startsWith("data:")) {
      outside.push(request.url());
    }
  });
  await page.goto(root + path, { waitUntil: "load" });
  if (path.startsWith("/sparql")) {
    await page.waitForSelector(".yasqe .CodeMirror");
    await page.click(".tabPanel.active .yasqe_queryButton");
    await page.waitForSelector(".tabPanel.active .yasr table tbody tr td", { timeout: 30000 });
    const response = await page.$(".tabPanel.active .yasr .select_response");
    if (response) await response.click();
    await page.waitForTimeout(500);
  }
  await page.waitForTimeout(300);
  await page.close();
  return { path, violations, errors, outside };
}

async function main() {
  const [root, ...paths] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    ],
  });
  try {
    const pages = [];
    for (const path of paths) pages.push(await visit(browser, root, path));
    console.log(JSON.stringify(pages));
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
