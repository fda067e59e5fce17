import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

import { SafeHtml } from '../web/html.ts';

// GitHub-flavoured Markdown without raw HTML passing through unchecked: every rendering is
// sanitised below, because documents come from members and are shown to others.
const markdown = new Marked({ gfm: true, async: false });

const allowedTags = [
  ...sanitizeHtml.defaults.allowedTags.filter((tag) => tag !== 'img'),
  'h1',
  'h2',
  'del',
];

/**
 * Renders member-written Markdown as HTML that is safe to insert in a page: scripts, event
 * handler attributes, styles, images and links other than http, https and mailto are removed.
 */
export function renderMarkdown(source: string): SafeHtml {
  const raw = markdown.parse(source, { async: false });
  const clean = sanitizeHtml(raw, {
    allowedTags,
    allowedAttributes: {
      a: ['href', 'title', 'rel'],
      th: ['align'],
      td: ['align'],
      code: ['class'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowProtocolRelative: false,
    transformTags: {
      a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow' }),
    },
  });

  return new SafeHtml(clean);
}
