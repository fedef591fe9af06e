/**
 * The worker thread of a database's forward error correction (see fec-protocol.ts): owns a
 * `FecWriter` on the sidecar and protects the groups the main thread sends, in order, batching
 * whatever has arrived into one append made durable with two syncs (small consecutive commit groups
 * sharing a protection group, see {@link toGroups}).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { NodeVfs } from '@litewal/vfs';
import { FecWriter, codecByName, type CommittedFrame, type CommittedGroup, type ErasureCodec } from '@litewal/wal-fec';
import { GROUP_WORDS, type FecWorkerData, type FromFecWorker, type ProtectMessage, type ToFecWorker } from './fec-protocol.js';

if (parentPort === null) throw new Error('fec-worker.js runs as a worker thread of a litewal database');
const port = parentPort;
const data = workerData as FecWorkerData;
const send = (message: FromFecWorker): void => port.postMessage(message);

/** Consecutive commit groups share a protection group (one record, R repair symbols) until it has this many frames. */
const MIN_PROTECTION_FRAMES = 16;

let encodeNs = 0n;
const timed = timedCodec(codecByName(data.codec));
/** A commit group of a {@link ProtectMessage}, its arrays views into the message's buffers. */
interface ProtectGroup {
  readonly seq: number;
  readonly salt1: number;
  readonly salt2: number;
  readonly pageSize: number;
  readonly firstFrame: number;
  readonly pageNumbers: Uint32Array;
  readonly commitSizes: Uint32Array;
  readonly pages: Uint8Array;
}

const queue: ProtectGroup[] = [];
/** The `pages` buffers of the messages whose groups are queued. */
const buffers: ArrayBuffer[] = [];
let closing = false;
let writing = false;
let writer: FecWriter | null = null;
let failed = false;

port.on('message', (message: ToFecWorker) => {
  if (message.type === 'protect') unpack(message);
  else closing = true;
  void drain();
});

const opening = FecWriter.open(new NodeVfs(), data.sidecar, { codec: timed, repairSymbols: data.repairSymbols }).then(
  (opened) => {
    writer = opened;
  },
  (error: unknown) => fail('open', error),
);
void opening.then(drain);

/** Protects the queued groups, a batch at a time; after `close`, closes the sidecar and the port. */
async function drain(): Promise<void> {
  if (writing || (writer === null && !failed)) return;
  writing = true;
  try {
    while (queue.length > 0 && !failed && writer !== null) {
      const batch = queue.splice(0);
      const done = buffers.splice(0); // every message's groups are in this batch
      const started = process.hrtime.bigint();
      encodeNs = 0n;
      try {
        const result = await writer.protect(toGroups(batch));
        const message: FromFecWorker = {
          type: 'protected',
          upTo: (batch.at(-1) as ProtectGroup).seq,
          groups: batch.length,
          records: result.groups,
          bytes: result.bytes,
          encodeUs: Number(encodeNs / 1000n),
          protectUs: Number((process.hrtime.bigint() - started) / 1000n),
          buffers: done,
        };
        port.postMessage(message, done);
      } catch (error) {
        fail('protect', error);
      }
    }
    if (closing || failed) {
      queue.length = 0;
      const open = writer;
      writer = null;
      await open?.close().catch(() => undefined); // every batch is synced already; after a failure, best effort
      if (closing) send({ type: 'closed' });
      port.close();
    }
  } finally {
    writing = false;
  }
}

function fail(stage: 'open' | 'protect', error: unknown): void {
  failed = true;
  const code = (error as { code?: unknown } | null)?.code;
  send({ type: 'failed', stage, message: error instanceof Error ? error.message : String(error), code: typeof code === 'string' ? code : '' });
}

/** Queues the groups of a message. */
function unpack(m: ProtectMessage): void {
  buffers.push(m.pages.buffer as ArrayBuffer);
  let frame = 0;
  let byte = 0;
  for (let at = 0; at < m.groups.length; at += GROUP_WORDS) {
    const [seq, salt1, salt2, pageSize, firstFrame, frames] = m.groups.subarray(at, at + GROUP_WORDS) as unknown as [number, number, number, number, number, number];
    queue.push({
      seq,
      salt1,
      salt2,
      pageSize,
      firstFrame,
      pageNumbers: m.pageNumbers.subarray(frame, frame + frames),
      commitSizes: m.commitSizes.subarray(frame, frame + frames),
      pages: m.pages.subarray(byte, byte + frames * pageSize),
    });
    frame += frames;
    byte += frames * pageSize;
  }
}

/**
 * The batch as `FecWriter` groups: each commit group, except that consecutive ones of the same WAL
 * generation share a protection group while it holds fewer than {@link MIN_PROTECTION_FRAMES}
 * frames (so R repair pages are not spent on every one-page commit).
 */
function toGroups(batch: readonly ProtectGroup[]): CommittedGroup[] {
  const groups: { salt1: number; salt2: number; pageSize: number; frames: CommittedFrame[] }[] = [];
  for (const m of batch) {
    const pages = m.pages;
    const frames = Array.from(m.pageNumbers, (pageNumber, i) => ({
      frame: m.firstFrame + i,
      pageNumber,
      commitSize: m.commitSizes[i] as number,
      page: pages.subarray(i * m.pageSize, (i + 1) * m.pageSize),
    }));
    const last = groups.at(-1);
    const follows =
      last !== undefined &&
      last.salt1 === m.salt1 &&
      last.salt2 === m.salt2 &&
      last.pageSize === m.pageSize &&
      (last.frames.at(-1) as CommittedFrame).frame + 1 === m.firstFrame;
    if (follows && last.frames.length < MIN_PROTECTION_FRAMES) last.frames.push(...frames);
    else groups.push({ salt1: m.salt1, salt2: m.salt2, pageSize: m.pageSize, frames });
  }
  return groups;
}

/** The codec, with the time spent in `encode` added to {@link encodeNs}. */
function timedCodec(codec: ErasureCodec): ErasureCodec {
  return {
    id: codec.id,
    name: codec.name,
    maxSourceSymbols: (repairSymbols) => codec.maxSourceSymbols(repairSymbols),
    encode: (sources, repairSymbols) => {
      const started = process.hrtime.bigint();
      try {
        return codec.encode(sources, repairSymbols);
      } finally {
        encodeNs += process.hrtime.bigint() - started;
      }
    },
    decode: (sources, repairs, symbolBytes, parameter) => codec.decode(sources, repairs, symbolBytes, parameter),
  };
}
