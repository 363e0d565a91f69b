/**
 * The WebSocket streams of the Direct Line channel: each conversation's open sockets, and
 * the frames pushed to them (`{activities, watermark}`, or an empty keep-alive).
 */
import type { WebSocket } from 'ws';
import { Logger } from '../logger';

/** Limits that protect the service from socket floods. */
export interface HubLimits {
  /** Sockets one conversation may hold at once. */
  perConversation: number;
  /** Sockets in all. */
  total: number;
  /** Seconds between keep-alive frames. */
  keepAliveSeconds: number;
}

/** The registry of open streams. */
export class SocketHub {
  private readonly sockets = new Map<string, Set<WebSocket>>();
  private count = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly logger: Logger, private readonly limits: HubLimits = { perConversation: 5, total: 5000, keepAliveSeconds: 20 }) {
    this.timer = setInterval(() => this.keepAlive(), limits.keepAliveSeconds * 1000);
    this.timer.unref();
  }

  /** Whether another socket may open for this conversation. */
  canAccept(conversationId: string): boolean {
    return this.count < this.limits.total && (this.sockets.get(conversationId)?.size ?? 0) < this.limits.perConversation;
  }

  /** Registers a socket; it is removed when it closes or fails. */
  add(conversationId: string, socket: WebSocket): void {
    let set = this.sockets.get(conversationId);
    if (!set) this.sockets.set(conversationId, (set = new Set()));
    set.add(socket);
    this.count++;
    const remove = (): void => {
      if (set!.delete(socket)) this.count--;
      if (set!.size === 0 && this.sockets.get(conversationId) === set) this.sockets.delete(conversationId);
    };
    socket.on('close', remove);
    socket.on('error', (err) => {
      this.logger.warn('stream socket error', { reason: err.message });
      remove();
    });
  }

  /** Whether sockets of this conversation are open here. */
  has(conversationId: string): boolean {
    return (this.sockets.get(conversationId)?.size ?? 0) > 0;
  }

  /** Sends activities to every socket of a conversation. */
  push(conversationId: string, activities: unknown[], watermark: number | undefined): void {
    const set = this.sockets.get(conversationId);
    if (!set || set.size === 0) return;
    const frame = JSON.stringify(watermark === undefined ? { activities } : { activities, watermark: String(watermark) });
    for (const s of set) if (s.readyState === s.OPEN) s.send(frame);
  }

  /** Sends a frame to one socket (the backlog of a new stream). */
  sendTo(socket: WebSocket, activities: unknown[], watermark: string): void {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify({ activities, watermark }));
  }

  /** Open sockets, for health and metrics. */
  get size(): number {
    return this.count;
  }

  private keepAlive(): void {
    for (const set of this.sockets.values()) {
      for (const s of set) {
        if (s.readyState === s.OPEN) {
          s.send('');
          s.ping();
        }
      }
    }
  }

  /** Closes every socket cleanly (service shutdown). */
  closeAll(): void {
    clearInterval(this.timer);
    for (const set of this.sockets.values()) for (const s of set) s.close(1001, 'service stopping');
    this.sockets.clear();
    this.count = 0;
  }
}
