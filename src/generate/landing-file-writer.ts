// Streams lines into numbered landing files with backpressure. Lines are gathered into ~64 KB strings first:
// one stream write per line would spend more time in stream bookkeeping than in generating the data.
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';

/** k of the first file `<dataset>-<k>.json`; epoch-ms-like as in the real file names, but fixed for determinism. */
export const FIRST_FILE_NUMBER = 1_690_000_000_000;

const CHUNK_CHARS = 64 * 1024;
const STREAM_HIGH_WATER_MARK = 1024 * 1024;

/** A landing file that was written completely: its path relative to the landing set, and its line count. */
export interface WrittenLandingFile {
  path: string;
  lines: number;
}

/** Appends lines to `<dir>/<dataset>-<k>.json` files of at most `maxLinesPerFile` lines each. */
export class LandingFileWriter {
  private buffer = '';
  private fileIndex = 0;
  private linesInFile = 0;
  // Text of files that filled up since the last flush, still to be written before the current buffer.
  private readonly filledFiles: { fileIndex: number; text: string }[] = [];
  private readonly written: WrittenLandingFile[] = [];
  private stream: WriteStream | undefined;
  private streamFileIndex = -1;
  private failure: Error | undefined;
  /** Lines appended so far, over all files. */
  totalLines = 0;

  constructor(
    private readonly absoluteDir: string,
    private readonly relativeDir: string,
    private readonly dataset: string,
    private readonly maxLinesPerFile: number,
  ) {}

  /** Adds one line (without its newline); cheap and synchronous, so callers flush only when `needsFlush`. */
  append(line: string): void {
    if (this.linesInFile === this.maxLinesPerFile) {
      this.filledFiles.push({ fileIndex: this.fileIndex, text: this.buffer });
      this.written.push({ path: `${this.relativeDir}/${this.fileName(this.fileIndex)}`, lines: this.linesInFile });
      this.buffer = '';
      this.fileIndex++;
      this.linesInFile = 0;
    }
    this.buffer += `${line}\n`;
    this.linesInFile++;
    this.totalLines++;
  }

  /** True when enough is buffered to be worth a write, or a file filled up and can be closed. */
  get needsFlush(): boolean {
    return this.buffer.length >= CHUNK_CHARS || this.filledFiles.length > 0;
  }

  /** Writes what is buffered, waiting for the disk when the stream is full. */
  async flush(): Promise<void> {
    for (const filled of this.filledFiles.splice(0)) {
      await this.writeTo(filled.fileIndex, filled.text);
      await this.closeStream();
    }
    if (this.buffer.length > 0) {
      await this.writeTo(this.fileIndex, this.buffer);
      this.buffer = '';
    }
  }

  /** Flushes and closes the last file; returns every file written, in order. */
  async close(): Promise<WrittenLandingFile[]> {
    await this.flush();
    await this.closeStream();
    if (this.linesInFile > 0) {
      this.written.push({ path: `${this.relativeDir}/${this.fileName(this.fileIndex)}`, lines: this.linesInFile });
      this.linesInFile = 0;
    }
    return this.written;
  }

  /** Abandons the open file after a failure or an abort; its directory is about to be removed. */
  async destroy(): Promise<void> {
    const stream = this.stream;
    this.stream = undefined;
    if (stream === undefined) return;
    stream.destroy();
    await finished(stream).catch(() => undefined);
  }

  private fileName(fileIndex: number): string {
    return `${this.dataset}-${FIRST_FILE_NUMBER + fileIndex}.json`;
  }

  private async writeTo(fileIndex: number, text: string): Promise<void> {
    if (this.streamFileIndex !== fileIndex) {
      await this.closeStream();
      const stream = createWriteStream(join(this.absoluteDir, this.fileName(fileIndex)), {
        highWaterMark: STREAM_HIGH_WATER_MARK,
      });
      // Without a listener an error between two writes would crash the process; keep it for the next write.
      stream.on('error', (error) => {
        this.failure ??= error;
      });
      this.stream = stream;
      this.streamFileIndex = fileIndex;
    }
    const stream = this.stream as WriteStream;
    if (this.failure !== undefined) throw this.failure;
    if (!stream.write(text)) await once(stream, 'drain');
  }

  private async closeStream(): Promise<void> {
    const stream = this.stream;
    this.stream = undefined;
    this.streamFileIndex = -1;
    if (stream === undefined) return;
    if (this.failure !== undefined) {
      stream.destroy();
      throw this.failure;
    }
    stream.end();
    await finished(stream);
  }
}
