import type { Socket } from 'node:net';

/**
 * Destroys `socket` as soon as an MQTT packet longer than `maxBytes` begins on it. Aedes buffers a
 * packet whole before parsing it, so without this one client could make it hold up to 256 MB.
 * It scans only fixed headers (type byte + Remaining Length, MQTT 3.1.1 §2.2.3) on the bytes
 * Aedes reads, skipping bodies, so the cost is per packet, not per byte.
 */
export function limitPacketSize(socket: Socket, maxBytes: number, onTooLarge: (bytes: number) => void): void {
  let skip = 0; // body bytes of the current packet still to pass
  let inLength = false; // reading Remaining Length bytes
  let length = 0;
  let multiplier = 1;
  let lengthBytes = 0;

  const scan = (chunk: Buffer): number => {
    let i = 0;
    while (i < chunk.length) {
      if (skip > 0) {
        const n = Math.min(skip, chunk.length - i);
        skip -= n;
        i += n;
        continue;
      }
      if (!inLength) {
        inLength = true;
        length = 0;
        multiplier = 1;
        lengthBytes = 0;
        i++;
        continue;
      }
      const byte = chunk.readUInt8(i++);
      length += (byte & 0x7f) * multiplier;
      multiplier *= 128;
      lengthBytes++;
      if (byte & 0x80) {
        if (lengthBytes === 4) return Infinity; // malformed; Aedes's parser would reject it too
        continue;
      }
      const total = 1 + lengthBytes + length;
      if (total > maxBytes) return total;
      inLength = false;
      skip = length;
    }
    return 0;
  };

  const read = socket.read.bind(socket);
  socket.read = (size?: number): unknown => {
    const chunk: unknown = read(size);
    if (Buffer.isBuffer(chunk)) {
      const tooLarge = scan(chunk);
      if (tooLarge > 0) {
        onTooLarge(tooLarge);
        socket.destroy();
        return null;
      }
    }
    return chunk;
  };
}
