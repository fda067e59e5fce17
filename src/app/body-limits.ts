/**
 * Largest body, in bytes, of a route that sets no limit of its own: sign-in and other forms,
 * PoC, account and alert JSON. A small limit lets the server reject an oversized body from an
 * anonymous client without reading megabytes first.
 */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/**
 * Largest body, in bytes, of a library document: 200,000 characters written as JSON escapes of
 * six bytes each still fit.
 */
export const DOCUMENT_BODY_LIMIT = 2 * 1024 * 1024;
