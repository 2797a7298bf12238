/** One column of an admin DataTable. */
export interface TableColumn<Row> {
  /** The row's field it shows and sorts by (and the name of a slot that draws its cells). */
  key: keyof Row & string
  label: string
  width?: number
  minWidth?: number
  sortable?: boolean
  text?: (row: Row) => string | number
  tag?: (row: Row) => { type: 'success' | 'info' | 'warning' | 'danger', text: string }
}
