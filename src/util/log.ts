// winston JSON logs with `component` and `event` on every line. Creating a logger does no I/O at
// import time; programs call makeLogger() in their run(deps) wiring.
import winston from 'winston';
import { REDACTED, isSecretKey, redactValue } from './redact.js';

export type Logger = winston.Logger;

export type LogLevel = 'all' | 'debug' | 'info' | 'warn' | 'error' | 'none';

/** Maps MetalLB's logLevel values onto winston's levels. */
function winstonLevel(level: LogLevel): string {
  switch (level) {
    case 'all':
    case 'debug':
      return 'debug';
    case 'none':
      return 'error';
    default:
      return level;
  }
}

// Every field, at any depth, and the message itself (src/util/redact.ts).
const redact = winston.format((info) => {
  for (const key of Object.keys(info)) info[key] = isSecretKey(key) ? REDACTED : redactValue(info[key]);
  return info;
});

export function makeLogger(component: string, level: LogLevel = 'info', transport?: winston.transport): Logger {
  return winston.createLogger({
    level: winstonLevel(level),
    defaultMeta: { component },
    format: winston.format.combine(redact(), winston.format.timestamp(), winston.format.json()),
    // stderr keeps stdout clean for commands that print YAML/JSON.
    transports: [transport ?? new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug', 'verbose', 'silly'] })],
  });
}

/** A logger that drops everything; for tests and offline commands. */
export function silentLogger(): Logger {
  return winston.createLogger({ silent: true, transports: [new winston.transports.Console({ silent: true })] });
}
