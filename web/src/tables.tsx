import type { ReactNode } from 'react';

import type { ApiError } from './api.ts';
import { messages } from './messages.ts';

/** One column of a `DataTable`: its React key, its header and the cell it renders for a row. */
export interface Column<Row> {
  key: string;
  header: ReactNode;
  cell: (row: Row) => ReactNode;
  /** Renders the cell as `th scope="row"`, so that screen readers name the row by it. */
  isRowHeader?: boolean;
}

/** Renders rows as a table with a caption, a header cell per column and a cell per row. */
export function DataTable<Row>({
  caption,
  columns,
  rows,
  rowKey,
  rowAttributes,
}: {
  caption: string;
  columns: Column<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row, index: number) => string;
  /** Returns the `data-` attributes of a row, by which tests and scripts find it. */
  rowAttributes?: (row: Row) => Record<`data-${string}`, string>;
}) {
  return (
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column.key} scope="col">
              {column.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, index) => (
          <tr key={rowKey(row, index)} {...rowAttributes?.(row)}>
            {columns.map((column) =>
              column.isRowHeader === true ? (
                <th key={column.key} scope="row">
                  {column.cell(row)}
                </th>
              ) : (
                <td key={column.key}>{column.cell(row)}</td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * Renders a list loaded from the API: a loading line until it arrives, `empty` when it has no
 * items, and `children(items)` otherwise. The page shows a load error in its own error summary.
 */
export function ResourceList<Item>({
  items,
  error,
  empty,
  children,
}: {
  items: Item[] | null;
  error: ApiError | null;
  empty: string;
  children: (items: Item[]) => ReactNode;
}) {
  if (items === null) return error === null ? <p>{messages.loading}</p> : null;
  if (items.length === 0) return <p>{empty}</p>;

  return children(items);
}
