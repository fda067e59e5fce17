/** English text of the guidance library pages. */
export const libraryMessages = {
  title: 'Guidance library',
  search: 'Search',
  addHeading: 'Add a document',
  editHeading: 'Edit this document',
  documentTitle: 'Title',
  tags: 'Tags (separated by commas)',
  tlp: 'TLP',
  body: 'Text (Markdown)',
  add: 'Add',
  saveVersion: 'Save a new version',
  listVersion: (version: number) => `version ${version}`,
  documentMeta: (version: number, updatedAt: string, tags: readonly string[]) =>
    `Version ${version}, changed ${updatedAt}. Tags: ${tags.join(', ') || 'none'}.`,
  versions: 'Versions',
  versionLine: (version: number, editedAt: string, title: string, tlp: string) =>
    `Version ${version}, ${editedAt}: ${title} (${tlp})`,
  allVersions: 'All versions with their text (JSON)',
} as const;
