// Entry of the web build (package.json `browser`, dist/web/extension.js) for VS Code for the Web and other web
// extension hosts: the same features as the Node entry, with trace workers started as Web Workers.
import type * as vscode from 'vscode';
import { activate as activateExtension } from '../extension';
import { configureWebTraceWorker } from './workerLauncher';

export function activate(context: vscode.ExtensionContext): ReturnType<typeof activateExtension> {
  configureWebTraceWorker(context.extensionUri);
  return activateExtension(context);
}

export { deactivate } from '../extension';
