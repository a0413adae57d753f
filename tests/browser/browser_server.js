// One Chromium for the browser tests of one test process (tests/browser/conftest.py): started
// by Playwright's own launchServer, with the flags it gives a launched browser, so that each
// test connects to it instead of starting a browser of its own. Prints the endpoint, then
// serves until stdin closes (the test process ended, however it ended).
const { chromium } = require(process.argv[2]);

(async () => {
  const server = await chromium.launchServer({
    executablePath: process.argv[3],
    args: JSON.parse(process.argv[4]),
  });
  process.stdout.write(server.wsEndpoint() + "\n");
  const stop = () => server.close().finally(() => process.exit(0));
  process.stdin.on("end", stop);
  process.stdin.resume();
  process.on("SIGTERM", stop);
})().catch((error) => {
  process.stderr.write(String(error && error.stack || error) + "\n");
  process.exit(1);
});
