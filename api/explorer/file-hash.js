// The SHA-256 of a file chosen by the user, computed in the browser: the bytes never leave it.

import { toHex } from './dom.js';
import { Sha256 } from './sha256.js';

// WebCrypto digests one whole buffer: up to this size the file is read whole and handed to it;
// larger files (and pages without a secure context, where crypto.subtle is missing) go through
// the streaming hasher chunk by chunk, so memory stays flat whatever the size.
export const WHOLE_FILE_LIMIT = 256 * 1024 * 1024;

/**
 * `{sha256: '0x…', method: 'webcrypto' | 'streaming'}` for a File or Blob.
 * `onProgress(bytesDone, total)` is called as the hash advances; `method` forces one path.
 */
export async function fileSha256(file, { onProgress = () => {}, method } = {}) {
  const subtle = globalThis.crypto?.subtle;
  const chosen = method ?? (subtle && file.size <= WHOLE_FILE_LIMIT ? 'webcrypto' : 'streaming');
  if (chosen === 'webcrypto') {
    if (!subtle) throw new Error('WebCrypto is not available on this page');
    const digest = await subtle.digest('SHA-256', await file.arrayBuffer());
    onProgress(file.size, file.size);
    return { sha256: `0x${toHex(new Uint8Array(digest))}`, method: chosen };
  }
  const hasher = new Sha256();
  const reader = file.stream().getReader();
  let done = 0;
  for (;;) {
    const { value, done: finished } = await reader.read();
    if (finished) break;
    hasher.update(value);
    done += value.length;
    onProgress(done, file.size);
  }
  return { sha256: `0x${toHex(hasher.digest())}`, method: chosen };
}
