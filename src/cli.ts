#!/usr/bin/env node
// `metallb <command>`: the single entry point of every program and offline tool. Importing this file
// does nothing; main() runs only when it is the process entry point.
import { pathToFileURL } from 'node:url';
import { realpathSync } from 'node:fs';
import type { Command, CommandIO } from './commands/command.js';
import { processIO } from './commands/command.js';
import { UsageError, errorMessage } from './util/errors.js';

/** Commands load lazily so `metallb render-frr` never pulls in the Kubernetes client. */
// Each entry names the file src/commands/<name>.ts, which exports `command: Command`.
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  'frr-apply': { summary: 'apply a desired frr.conf to a running FRR with a minimal vtysh delta', load: async () => (await import('./commands/frr-apply.js')).command },
  'validate': { summary: 'check metallb.io YAML files against the API schema, offline', load: async () => (await import('./commands/validate.js')).command },
  'render-frr': { summary: 'print the frr.conf a node would get from YAML files', load: async () => (await import('./commands/render-frr.js')).command },
  'convert-configmap': { summary: 'turn a legacy MetalLB config ConfigMap into metallb.io CRs', load: async () => (await import('./commands/convert-configmap.js')).command },
  'speaker': { summary: 'run the speaker on one node: announce by BGP (FRR) and layer 2 (ARP/NDP)', load: async () => (await import('./commands/speaker.js')).command },
  'render-manifests': { summary: 'print what the operator would apply for a MetalLB CR, as YAML', load: async () => (await import('./commands/render-manifests.js')).command },
  'operator': { summary: 'run the operator: reconcile the MetalLB CR into workloads', load: async () => (await import('./commands/operator.js')).command },
  'controller': { summary: 'run the controller: allocate LoadBalancer IPs', load: async () => (await import('./commands/controller.js')).command },
  'plan': { summary: 'print which IP each Service gets and which nodes announce it, offline', load: async () => (await import('./commands/plan.js')).command },
  'lab': { summary: 'run the whole system on this machine (control plane, FRR nodes, router)', load: async () => (await import('./commands/lab.js')).command },
  'generate-crds': { summary: 'write config/crd/bases and docs/reference/{api,metrics}.md from the API schema and the metrics catalog (the single sources of truth)', load: async () => (await import('./commands/generate-crds.js')).command },
  'generate-bundle': { summary: 'write the OLM bundle and the file-based catalog from config/', load: async () => (await import('./commands/generate-bundle.js')).command },
};

function topUsage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `usage: metallb <command> [flags]\n\ncommands:\n${lines.join('\n')}\n\nRun 'metallb <command> --help' for a command's flags.\n`;
}

export async function main(argv: string[], io: CommandIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(topUsage());
    return name === undefined ? 2 : 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.stderr(`metallb: unknown command "${name}"\n\n${topUsage()}`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`metallb ${name}: ${err.message}\n\n${command.usage}\n`);
      return 2;
    }
    io.stderr(`metallb ${name}: ${errorMessage(err)}\n`);
    return 1;
  }
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`metallb: ${errorMessage(err)}\n`);
      process.exitCode = 1;
    },
  );
}
