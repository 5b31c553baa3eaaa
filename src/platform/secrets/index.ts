/** Secrets at rest: the SM4 field key shared by the API nodes, and sealing of stored values with it. */
export { loadFieldKey, fieldSealer, isSealedField, type FieldSealer } from './field-key.ts';
