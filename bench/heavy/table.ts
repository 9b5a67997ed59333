/** The final summary table of bench:heavy (plain text, one row per figure). */
export interface Row {
  section: string
  what: string
  value: string
  target: string
  verdict: string
}

export function printTable(rows: readonly Row[]): void {
  const head: Row = { section: 'section', what: 'figure', value: 'value', target: 'target', verdict: '' }
  const all = [head, ...rows]
  const w = (k: keyof Row): number => Math.max(...all.map((r) => r[k].length))
  const line = (r: Row): string =>
    `| ${r.section.padEnd(w('section'))} | ${r.what.padEnd(w('what'))} | ${r.value.padEnd(w('value'))} | ${`${r.target} ${r.verdict}`.trim().padEnd(w('target') + w('verdict') + 1)} |`
  console.log('\n' + line(head))
  console.log(line(head).replace(/[^|]/g, '-'))
  for (const r of rows) console.log(line(r))
}
