// @memlab/core (a devDependency: the Node conformance test) depends on puppeteer, whose install
// script would download Chrome; nothing here uses a browser from it (the workbench tests use
// Debian's chromium), so installs stay offline-safe.
module.exports = { skipDownload: true };
