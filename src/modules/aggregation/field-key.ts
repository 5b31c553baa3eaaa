// The SM4 key that seals data-source credentials (src/kernel/crypto sm4SealField): CITYBRAIN_FIELD_KEY,
// or a random key kept in <dataDir>/keys/field-sm4.key (mode 600) when it is not set. Several API
// nodes must share one key: set CITYBRAIN_FIELD_KEY on each.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sm4FieldKey, type Sm4FieldKey } from '../../kernel/crypto/index.ts';

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
