// TODO: the workspace is English whatever language the server negotiated, because Vite builds
// these strings into the bundle. A translated workspace would import each language's
// `workspace.<tag>.ts` here and pick one from `GET /api/v1/me` (`locale`) or the `lang` cookie.
export { workspaceMessages as messages } from '../../src/i18n/workspace.en.ts';
