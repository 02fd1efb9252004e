// The demo workbench (code-server) ships no Python debugger: serve 'debugpy' with Debian's
// python3-debugpy adapter, the same adapter the Python Debugger extension runs.
const vscode = require('vscode');

exports.activate = (context) => {
  context.subscriptions.push(vscode.debug.registerDebugAdapterDescriptorFactory('debugpy', {
    createDebugAdapterDescriptor: () => new vscode.DebugAdapterExecutable('/usr/bin/python3', ['-m', 'debugpy.adapter']),
  }));
};
