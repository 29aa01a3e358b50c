// One Lighthouse run of one screen, signed in, on a cold first load (bench/lighthouse.sh).
// A fresh Chromium profile each time: no HTTP cache, no service worker, no stored data, only
// the session cookie, set before Lighthouse loads the page (it is told not to clear storage,
// which would sign the browser out).
import fs from "node:fs";
import lighthouse from "lighthouse";
import puppeteer from "puppeteer-core";

const [url, session, output] = process.argv.slice(2);
const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu"],
});
try {
  const page = await browser.newPage();
  if (session) {
    const { hostname } = new URL(url);
    await browser.setCookie({ name: "sessionid", value: session, domain: hostname, path: "/", httpOnly: true });
  }
  const result = await lighthouse(
    url,
    { output: "json", logLevel: "error", disableStorageReset: true, onlyCategories: ["performance", "accessibility", "best-practices"] },
    undefined,
    page,
  );
  fs.writeFileSync(output, result.report);
} finally {
  await browser.close();
}
