/**
 * Whether `purser serve` can listen where it is told to, asked before anything else happens:
 * a busy port used to be found only after the data directory was created and the one-time
 * administrator password printed (and so lost with the failed start).
 */
import { createServer } from 'node:net';
import { Unavailable } from '../domain/errors.ts';

const REASONS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'the address is already in use (is another purser or another server running?)',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'the address is not one of this machine',
};

/** Binds and releases `host:port` (port 0: nothing to check); Unavailable when that fails. */
export async function checkListenAddress(host: string, port: number): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) => {
      const shown = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
      const reason = REASONS[error.code ?? ''] ?? error.message;
      reject(new Unavailable(`cannot listen on ${shown} (the listen key): ${reason}`, { cause: error }));
    });
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}
