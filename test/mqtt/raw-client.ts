import { connect, type Socket } from 'node:net';

/** MQTT Remaining Length (variable byte integer, MQTT 3.1.1 §2.2.3; MQTT 5 §1.5.5 the same). */
export function remainingLength(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}

function str(s: string): Buffer {
  const b = Buffer.from(s);
  return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
}

export function connectPacket(clientId: string, keepaliveSeconds = 60): Buffer {
  const body = Buffer.concat([str('MQTT'), Buffer.from([4, 0x02, keepaliveSeconds >> 8, keepaliveSeconds & 0xff]), str(clientId)]);
  return Buffer.concat([Buffer.from([0x10, ...remainingLength(body.length)]), body]);
}

export function publishPacket(topic: string, payload: Buffer, qos: 0 | 1, messageId = 0): Buffer {
  const id = qos > 0 ? Buffer.from([messageId >> 8, messageId & 0xff]) : Buffer.alloc(0);
  const body = Buffer.concat([str(topic), id, payload]);
  return Buffer.concat([Buffer.from([0x30 | (qos << 1), ...remainingLength(body.length)]), body]);
}

/**
 * A device that writes pre-encoded packets as fast as TCP takes them (no client-side queueing
 * beyond the socket), for flood tests. The broker only sends it CONNACK and PUBACK, 4 bytes each.
 */
export class RawDevice {
  readonly acked = new Set<number>();
  connackCode: number | undefined;
  closed = false;
  private readonly socket: Socket;
  private rest = Buffer.alloc(0);
  /** Resolves with the CONNACK return code; rejects if the connection closes first. */
  readonly connected: Promise<number>;

  constructor(port: number, clientId: string) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.on('error', () => undefined);
    let onConnack: (code: number) => void = () => undefined;
    this.connected = new Promise((resolve, reject) => {
      onConnack = resolve;
      this.socket.on('close', () => {
        this.closed = true;
        reject(new Error(`${clientId}: connection closed`));
      });
    });
    this.connected.catch(() => undefined);
    this.socket.on('data', (data: Buffer) => {
      let buf = Buffer.concat([this.rest, data]);
      while (buf.length >= 4) {
        const type = buf.readUInt8(0) >> 4;
        if (type === 2) onConnack((this.connackCode = buf.readUInt8(3)));
        else if (type === 4) this.acked.add(buf.readUInt16BE(2));
        buf = buf.subarray(4);
      }
      this.rest = buf;
    });
    this.socket.write(connectPacket(clientId));
  }

  /** After CONNACK, write packets with back-pressure; resolves when all are handed to the kernel or the socket closed. */
  async send(packets: Buffer[], batch = 64): Promise<void> {
    await this.connected;
    for (let i = 0; i < packets.length && !this.closed; i += batch) {
      if (!this.socket.write(Buffer.concat(packets.slice(i, i + batch)))) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            this.socket.off('drain', done);
            this.socket.off('close', done);
            resolve();
          };
          this.socket.on('drain', done);
          this.socket.on('close', done);
        });
      }
    }
  }

  end(): void {
    this.socket.destroy();
  }
}
