/**
 * Password hashing with scrypt (`node:crypto`). Each password gets its own
 * random salt; the stored record names its parameters so they can be raised
 * later without breaking old records. Verification compares in constant time.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

/** What is stored for a password: never the password itself. */
export interface PasswordHash {
  /** Always `"scrypt"`. */
  readonly algorithm: "scrypt";
  /** Random salt, base64. */
  readonly salt: string;
  /** Derived key, base64. */
  readonly hash: string;
  /** CPU/memory cost. */
  readonly N: number;
  /** Block size. */
  readonly r: number;
  /** Parallelisation. */
  readonly p: number;
}

const KEY_BYTES = 64;
const PARAMS = { N: 16384, r: 8, p: 1 } as const;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFC"), salt, KEY_BYTES, { ...options, maxmem: 64 * 1024 * 1024 }, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

/** Hashes `password` with a fresh random salt. */
export async function hashPassword(password: string): Promise<PasswordHash> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return { algorithm: "scrypt", salt: salt.toString("base64"), hash: key.toString("base64"), ...PARAMS };
}

/** True when `password` matches `stored`; compares in constant time. */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, "base64");
  const key = await derive(password, Buffer.from(stored.salt, "base64"), { N: stored.N, r: stored.r, p: stored.p });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

let dummy: Promise<PasswordHash> | undefined;

/** A hash of a random password (made once, on first use), checked against when a login names no user, so timing does not tell. */
export function dummyHash(): Promise<PasswordHash> {
  dummy ??= hashPassword(randomBytes(16).toString("base64"));
  return dummy;
}
