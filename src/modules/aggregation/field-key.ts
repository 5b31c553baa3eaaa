export { loadFieldKey } from '../../platform/index.ts';
