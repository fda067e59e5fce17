/** English text of the errors that the document library returns. */
export const libraryProblems = {
  documentNotFound: 'Document not found',
  editorsOnly: 'Only the author and the secretariat may edit a document',
  staleVersion: (current: number, base: number) =>
    `The document is at version ${current}, not ${base}: reload it and edit again`,
  currentVersion: (current: number) => `must be the current version ${current}`,
} as const;
