/** English text of the errors that the document library returns. */
export const libraryProblems = {
  documentNotFound: 'Document not found',
  editorsOnly: 'Only the author and the secretariat may edit a document',
  staleVersion: (current: number, base: number) =>
    `The document is at version ${current}, not ${base}: reload it and edit again`,
  currentVersion: (current: number) => `must be the current version ${current}`,
  /** Messages of the request schema's own checks. */
  fields: {
    tag: 'must be 1 to 40 letters, digits or - . _ +',
    tagsAtMost: 'may list at most 20 tags',
    baseVersion: 'must be the version number the edit starts from',
  },
} as const;
