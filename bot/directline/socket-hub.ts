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
  /** Seconds between keep-alive frames and pings; a socket that answered no ping since the last one is closed. */
  keepAliveSeconds: number;
  /** Bytes queued for one socket beyond which the (slow) client is disconnected. */
  maxBufferedBytes: number;
}

/** The limits used when none are given. */
export const DEFAULT_HUB_LIMITS: HubLimits = { perConversation: 5, total: 5000, keepAliveSeconds: 20, maxBufferedBytes: 1024 * 1024 };

/** The registry of open streams. */
export class SocketHub {
  private readonly sockets = new Map<string, Set<WebSocket>>();
  private count = 0;
  private readonly timer: NodeJS.Timeout;
  /** Sockets that answered the last ping (or opened since). */
  private readonly alive = new WeakSet<WebSocket>();

  constructor(private readonly logger: Logger, private readonly limits: HubLimits = DEFAULT_HUB_LIMITS) {
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
    this.alive.add(socket);
    socket.on('pong', () => this.alive.add(socket));
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
    for (const s of set) this.send(s, frame);
  }

  /** Sends a frame to one socket (the backlog of a new stream). */
  sendTo(socket: WebSocket, activities: unknown[], watermark: string): void {
    this.send(socket, JSON.stringify({ activities, watermark }));
  }

  /**
   * Sends unless the socket's own queue is over the bound: a client that does not read
   * (or reads too slowly) is disconnected rather than buffered without end. It reconnects
   * with its watermark and gets what it missed from the store.
   */
  private send(socket: WebSocket, frame: string): void {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount + frame.length > this.limits.maxBufferedBytes) {
      this.logger.warn('stream closed: the client does not read fast enough', { buffered: socket.bufferedAmount });
      socket.terminate();
      return;
    }
    socket.send(frame);
  }

  /** Open sockets, for health and metrics. */
  get size(): number {
    return this.count;
  }

  private keepAlive(): void {
    for (const set of this.sockets.values()) {
      for (const s of set) {
        if (s.readyState !== s.OPEN) continue;
        if (!this.alive.has(s)) {
          // No pong since the last ping: the peer is gone (or stalled); free the slot.
          this.logger.info('stream closed: no answer to the keep-alive ping');
          s.terminate();
          continue;
        }
        this.alive.delete(s);
        this.send(s, '');
        s.ping();
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
