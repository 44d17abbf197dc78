// Axon's public API: start a gateway on a config folder, or load one without sockets.

export { Gateway, loadGeneration, type GatewayOptions, type LoadResult } from './gateway.js';
export { formatDiagnostic, type Diagnostic } from './config/diagnostics.js';
export { ERRORS, MediationError, type ErrorCode } from './errors/codes.js';
export { createLogger, createMemoryLogger, type Logger, type LogLevel } from './runtime/logger.js';
export { Generation } from './runtime/generation.js';
