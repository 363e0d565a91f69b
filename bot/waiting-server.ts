/**
 * While the database is unreachable at start, the service still answers: alive on
 * `/api/health`, not ready on `/api/ready` (a load balancer sends it nothing), 503 with a
 * clear message elsewhere. The stores are retried with backoff; no crash loop.
 */
import * as http from 'http';

/** A minimal server answering while the real one cannot start yet. */
export class WaitingServer {
  private readonly server: http.Server;
  private reason = 'starting';

  constructor() {
    this.server = http.createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      const body = path === '/api/health' ? { status: 'ok', ready: false } : { status: 'not ready', reason: this.reason };
      res.writeHead(path === '/api/health' ? 200 : 503, { 'content-type': 'application/json', 'retry-after': '5' });
      res.end(JSON.stringify(body));
    });
  }

  /** Listens on the service's port. */
  listen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
  }

  /** What `/api/ready` says is missing. */
  waitingFor(reason: string): void {
    this.reason = reason;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Delays between attempts: 1 s doubling to 30 s. */
export function backoff(attempt: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5));
}
