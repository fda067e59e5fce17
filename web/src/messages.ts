export { workspaceMessages as messages } from '../../src/i18n/workspace.en.ts';
