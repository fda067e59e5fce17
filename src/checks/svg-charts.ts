import { html, type SafeHtml } from '../web/html.ts';

/** One bar of a chart. */
export interface Bar {
  label: string;
  /** Value shown by the bar's length; bars scale to `max`. */
  value: number;
  /** Text written after the bar, such as `75% (3 of 4)`. */
  caption: string;
}

const BAR_HEIGHT = 22;
const LABEL_WIDTH = 270;
const BAR_WIDTH = 320;
const CAPTION_WIDTH = 150;

/**
 * Renders a horizontal bar chart as inline SVG, server-side, so pages need no chart script. The
 * title and description are read by screen readers; every value is also written as text.
 */
export function renderBarChart(title: string, bars: readonly Bar[], max = 1): SafeHtml {
  const height = Math.max(1, bars.length) * BAR_HEIGHT + 8;
  const width = LABEL_WIDTH + BAR_WIDTH + CAPTION_WIDTH;
  const scale = max <= 0 ? 0 : BAR_WIDTH / max;
  const rows = bars.map((bar, i) => {
    const y = 4 + i * BAR_HEIGHT;
    const length = Math.max(0, Math.min(BAR_WIDTH, bar.value * scale));

    return html`<g>
      <text x="0" y="${y + 15}" font-size="13">${bar.label}</text>
      <rect x="${LABEL_WIDTH}" y="${y + 3}" width="${BAR_WIDTH}" height="16" fill="#eceff3" />
      <rect
        x="${LABEL_WIDTH}"
        y="${y + 3}"
        width="${length.toFixed(1)}"
        height="16"
        fill="#0b4f8a"
      />
      <text x="${LABEL_WIDTH + BAR_WIDTH + 8}" y="${y + 15}" font-size="13">${bar.caption}</text>
    </g>`;
  });
  const description = bars.map((bar) => `${bar.label}: ${bar.caption}`).join('; ');

  return html`<figure>
    <figcaption>${title}</figcaption>
    <svg
      role="img"
      aria-label="${title}"
      viewBox="0 0 ${width} ${height}"
      width="100%"
      style="max-width:${width}px"
      xmlns="http://www.w3.org/2000/svg"
    >
      <title>${title}</title>
      <desc>${description}</desc>
      ${rows}
    </svg>
  </figure>`;
}

/** One cell of a grid of states or regions. */
export interface GridCell {
  label: string;
  /** CSS class that colours the cell by outcome. */
  tone: 'good' | 'warn' | 'bad' | 'none';
  detail: string;
}

/** Styles of the grid cells, included once per page that shows a grid. */
export const gridStyles = html`<style>
  .grid {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(9rem, 1fr));
    gap: 0.4rem;
    list-style: none;
    padding: 0;
  }
  .grid li {
    border: 1px solid #c8c8c8;
    border-left-width: 0.5rem;
    padding: 0.3rem 0.5rem;
  }
  .grid .good {
    border-left-color: #1b7f3b;
  }
  .grid .warn {
    border-left-color: #b36b00;
  }
  .grid .bad {
    border-left-color: #a4000f;
  }
  .grid .none {
    border-left-color: #c8c8c8;
  }
</style>`;

/** Renders a grid of states or regions, each with its outcome in words and colour. */
export function renderGrid(title: string, cells: readonly GridCell[]): SafeHtml {
  const items = cells.map(
    (cell) =>
      html`<li class="${cell.tone}" data-tone="${cell.tone}">
        <strong>${cell.label}</strong><br /><span>${cell.detail}</span>
      </li>`,
  );

  return html`<section aria-label="${title}">
    <h2>${title}</h2>
    <ul class="grid">
      ${items}
    </ul>
  </section>`;
}
