// @ts-check
// Test-only extension (see README.md). Plain JavaScript so that it is packaged as is.
const vscode = require('vscode');
const fs = require('fs');

let started = false;

/** @param {import('vscode').ExtensionContext} context */
exports.activate = (context) => {
  const python = process.env.LIVEREF_PYTHON || '/usr/bin/python3';
  context.subscriptions.push(vscode.debug.registerDebugAdapterDescriptorFactory('debugpy', {
    // As the Python Debugger extension does: an attach with `connect` talks straight to the
    // adapter that `python -m debugpy --listen HOST:PORT` runs; everything else gets a local one.
    createDebugAdapterDescriptor: (session) => {
      const { request, connect } = session.configuration;
      if (request === 'attach' && connect && connect.port) return new vscode.DebugAdapterServer(Number(connect.port), connect.host || '127.0.0.1');
      // The adapter comes from the launch's own interpreter when it names one (a Debian root's
      // launcher brings its own debugpy), as the adapter and the debuggee's debugpy must match.
      return new vscode.DebugAdapterExecutable(session.configuration.python || python, ['-m', 'debugpy.adapter']);
    },
  }));
  const results = process.env.LIVEREF_TEST_RESULTS;
  if (!results || started) return;
  started = true;
  const progress = process.env.LIVEREF_TEST_PROGRESS || `${results}.progress`;
  /** @param {Record<string, unknown>} event */
  const note = (event) => { try { fs.appendFileSync(progress, JSON.stringify({ ...event, time: Date.now() }) + '\n'); } catch { /* harness gone */ } };
  // Heartbeat: the harness fails fast when the extension host stops answering.
  const heartbeat = setInterval(() => { try { fs.writeFileSync(`${progress}.heartbeat`, String(Date.now())); } catch { /* ignore */ } }, 1000);
  context.subscriptions.push({ dispose: () => clearInterval(heartbeat) });
  note({ type: 'activated', pid: process.pid, node: process.version, vscode: vscode.version });
  // Run after activation returns, so that the extension host is not kept in "activating".
  setTimeout(async () => {
    try {
      await require(/** @type {string} */ (process.env.LIVEREF_TEST_ENTRY)).run();
    } catch (error) {
      note({ type: 'runner-error', error: String(/** @type {Error} */ (error)?.stack || error) });
    } finally {
      // run() has written the results file; make sure there is one even if it could not.
      if (!fs.existsSync(results)) {
        fs.writeFileSync(results, JSON.stringify({ results: [{ title: 'run the in-host suites', fullTitle: 'run the in-host suites', state: 'failed', error: 'the runner produced no results' }] }));
      }
      note({ type: 'finished' });
    }
  }, 0);
};

exports.deactivate = () => undefined;
