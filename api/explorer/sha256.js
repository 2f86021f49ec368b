// SHA-256 (FIPS 180-4) fed chunk by chunk, for files too large to hand to WebCrypto whole
// (crypto.subtle.digest takes one buffer) and for pages served without a secure context.

function firstPrimes(count) {
  const primes = [];
  for (let n = 2; primes.length < count; n += 1) {
    if (primes.every((p) => n % p !== 0)) primes.push(n);
  }
  return primes;
}

/** The first 32 bits of the fractional part of x. */
function fractionWord(x) {
  return Math.floor((x - Math.floor(x)) * 2 ** 32) >>> 0;
}

// The standard's constants, derived as it defines them: cube roots of the first 64 primes for
// the round constants, square roots of the first 8 for the initial hash value.
const PRIMES = firstPrimes(64);
// Words are kept as signed 32-bit integers (Int32Array): V8 then never boxes them as doubles.
const ROUND = Int32Array.from(PRIMES, (p) => fractionWord(Math.cbrt(p)));
const INITIAL = Int32Array.from(PRIMES.slice(0, 8), (p) => fractionWord(Math.sqrt(p)));

const BLOCK = 64;

function rotr(x, n) {
  return (x >>> n) | (x << (32 - n));
}

export class Sha256 {
  constructor() {
    this.state = Int32Array.from(INITIAL);
    this.pending = new Uint8Array(BLOCK); // bytes waiting for a full block
    this.pendingLength = 0;
    this.length = 0; // bytes hashed so far (exact up to 2^53)
    this.schedule = new Int32Array(64);
    this.finished = false;
  }

  /** Add bytes (a Uint8Array); returns this. */
  update(bytes) {
    if (this.finished) throw new Error('SHA-256: update after digest');
    this.length += bytes.length;
    let offset = 0;
    if (this.pendingLength > 0) {
      offset = Math.min(BLOCK - this.pendingLength, bytes.length);
      this.pending.set(bytes.subarray(0, offset), this.pendingLength);
      this.pendingLength += offset;
      if (this.pendingLength < BLOCK) return this;
      this.compress(this.pending, 0);
      this.pendingLength = 0;
    }
    for (; offset + BLOCK <= bytes.length; offset += BLOCK) this.compress(bytes, offset);
    this.pending.set(bytes.subarray(offset), 0);
    this.pendingLength = bytes.length - offset;
    return this;
  }

  /** The 32-byte digest; the hasher cannot be used afterwards. */
  digest() {
    const bits = this.length * 8;
    // 0x80, zeros up to 56 bytes modulo 64, then the bit length as a 64-bit big-endian number.
    const padLength = (this.pendingLength < 56 ? 56 : 120) - this.pendingLength;
    const tail = new Uint8Array(padLength + 8);
    tail[0] = 0x80;
    const view = new DataView(tail.buffer);
    view.setUint32(padLength, Math.floor(bits / 2 ** 32));
    view.setUint32(padLength + 4, bits >>> 0);
    this.update(tail);
    this.finished = true;
    const out = new Uint8Array(32);
    const outView = new DataView(out.buffer);
    this.state.forEach((word, i) => outView.setUint32(i * 4, word >>> 0));
    return out;
  }

  compress(bytes, offset) {
    // Sums are truncated to 32 bits pair by pair (`| 0`) so V8 keeps integer arithmetic.
    const w = this.schedule;
    for (let i = 0; i < 16; i += 1) {
      const j = offset + i * 4;
      w[i] = (bytes[j] << 24) | (bytes[j + 1] << 16) | (bytes[j + 2] << 8) | bytes[j + 3];
    }
    for (let i = 16; i < 64; i += 1) {
      const x = w[i - 15];
      const y = w[i - 2];
      const s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3);
      const s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10);
      w[i] = (((w[i - 16] + s0) | 0) + ((w[i - 7] + s1) | 0)) | 0;
    }
    const s = this.state;
    let a = s[0];
    let b = s[1];
    let c = s[2];
    let d = s[3];
    let e = s[4];
    let f = s[5];
    let g = s[6];
    let k = s[7];
    for (let i = 0; i < 64; i += 1) {
      const sum1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
      const choice = (e & f) ^ (~e & g);
      const t1 = (((k + sum1) | 0) + ((choice + ROUND[i]) | 0) + w[i]) | 0;
      const sum0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
      const majority = (a & b) ^ (a & c) ^ (b & c);
      k = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + ((sum0 + majority) | 0)) | 0;
    }
    s[0] = (s[0] + a) | 0;
    s[1] = (s[1] + b) | 0;
    s[2] = (s[2] + c) | 0;
    s[3] = (s[3] + d) | 0;
    s[4] = (s[4] + e) | 0;
    s[5] = (s[5] + f) | 0;
    s[6] = (s[6] + g) | 0;
    s[7] = (s[7] + k) | 0;
  }
}

/** SHA-256 of one buffer (Uint8Array) in one call. */
export function sha256(bytes) {
  return new Sha256().update(bytes).digest();
}
