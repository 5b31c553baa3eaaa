// The SM4 field key that seals stored secrets (src/kernel/crypto sm4SealField): data-source
// credentials, OpenID Connect signing keys, client secrets. CITYBRAIN_FIELD_KEY, or a random key
// kept in <dataDir>/keys/field-sm4.key (mode 600) when it is not set. Several API nodes must share
// one key: set CITYBRAIN_FIELD_KEY on each.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sm4FieldKey, sm4OpenFieldText, sm4SealField, type Sm4FieldKey } from '../../kernel/crypto/index.ts';

export function loadFieldKey(config: { dataDir: string; fieldKey?: string | undefined }): Sm4FieldKey {
  if (config.fieldKey) return sm4FieldKey(config.fieldKey);
  const file = path.join(config.dataDir, 'keys', 'field-sm4.key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    try {
      fs.writeFileSync(file, randomBytes(16).toString('hex'), { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  return sm4FieldKey(fs.readFileSync(file, 'utf8').trim());
}

const SEALED_PREFIX = 'sm4f1.';

/** Is `value` a token of sm4SealField (as opposed to a value stored in the clear by an older version)? */
export const isSealedField = (value: string): boolean => value.startsWith(SEALED_PREFIX);

/**
 * A column's value sealed with the field key, bound to where it is stored (`aad`, e.g.
 * `identity_oidc_clients.secret:<client id>`) so a token copied to another row does not open.
 */
export interface FieldSealer {
  seal(plaintext: string, aad: string): string;
  /** The plaintext of a sealed value; a value stored in the clear (before sealing) is returned as it is. */
  open(stored: string, aad: string): string;
}

export function fieldSealer(key: Sm4FieldKey): FieldSealer {
  return {
    seal: (plaintext, aad) => sm4SealField(key, plaintext, { aad }),
    open: (stored, aad) => (isSealedField(stored) ? sm4OpenFieldText(key, stored, { aad }) : stored),
  };
}
