import { ForwardingFile } from '@litewal/vfs-fixtures';

/** A VfsFile that passes every call through and records the position and length of each write. */
export class RecordingFile extends ForwardingFile {
  readonly writes: Array<{ readonly position: number; readonly length: number }> = [];

  override write(data: Uint8Array, position: number): Promise<void> {
    this.writes.push({ position, length: data.length });
    return super.write(data, position);
  }
}
