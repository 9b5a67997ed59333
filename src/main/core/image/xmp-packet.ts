import { operationText, provenanceText, type Provenance } from './provenance'

/** Namespace of Heirloom's own XMP properties. */
export const HEIRLOOM_XMP_NS = 'https://heirloom.app/ns/xmp/1.0/'

/**
 * Largest original XMP packet carried over (1 MB; a JPEG's standard XMP segment holds 64 KB). A larger one is dropped
 * on decode with a note saying so, and buildXmp refuses to parse it either way.
 */
export const MAX_XMP_BYTES = 1_000_000

/** Text as XML character data: markup characters escaped, characters XML 1.0 forbids replaced by U+FFFD. */
export function xmlEscape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;')
    .replace(
      // XML 1.0 forbids these control characters and lone surrogates: matching them is the point.
      // eslint-disable-next-line no-control-regex
      /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
      '\uFFFD'
    )
}

const DESC_OPEN = '<rdf:Description'
const DESC_CLOSE = '</rdf:Description>'
const LI_OPEN = '<rdf:li>'
const LI_CLOSE = '</rdf:li>'

/**
 * Where Heirloom's own rdf:Description sits (found by its xmlns:heirloom attribute), so re-edits extend one history
 * instead of stacking blocks. Plain indexOf scans, each over the packet once: linear in its size whatever it holds
 * (a lazy regex here went quadratic on 80,000 unclosed `<rdf:Description ` tags).
 */
function findOurBlock(xmp: string): { start: number; end: number } | undefined {
  const at = xmp.indexOf('xmlns:heirloom=')
  if (at < 0) return undefined
  const start = xmp.lastIndexOf(DESC_OPEN, at)
  // The attribute must belong to that start tag: no '>' between them.
  if (start < 0 || xmp.lastIndexOf('>', at) > start) return undefined
  const close = xmp.indexOf(DESC_CLOSE, at)
  return close < 0 ? undefined : { start, end: close + DESC_CLOSE.length }
}

/** The history items of our previous block, each re-escaped when it is not plain character data. */
function historyItems(block: string): string[] {
  const items: string[] = []
  for (let i = block.indexOf(LI_OPEN); i >= 0; i = block.indexOf(LI_OPEN, i)) {
    const e = block.indexOf(LI_CLOSE, i + LI_OPEN.length)
    if (e < 0) break
    const inner = block.slice(i + LI_OPEN.length, e)
    items.push(`${LI_OPEN}${inner.includes('<') ? xmlEscape(inner) : inner}${LI_CLOSE}`)
    i = e + LI_CLOSE.length
  }
  return items
}

function ourBlock(p: Provenance, previous: string[], addDescription: boolean): string {
  const items = [...previous, ...p.operations.map((op) => `${LI_OPEN}${xmlEscape(operationText(op))}${LI_CLOSE}`)]
  const desc = addDescription
    ? `<dc:description><rdf:Alt><rdf:li xml:lang="x-default">${xmlEscape(provenanceText(p))}</rdf:li></rdf:Alt></dc:description>`
    : ''
  return (
    `<rdf:Description rdf:about="" xmlns:heirloom="${HEIRLOOM_XMP_NS}" xmlns:xmp="http://ns.adobe.com/xap/1.0/"` +
    ` xmlns:dc="http://purl.org/dc/elements/1.1/">` +
    `<xmp:CreatorTool>${xmlEscape(p.software)}</xmp:CreatorTool>` +
    desc +
    `<heirloom:History><rdf:Seq>${items.join('')}</rdf:Seq></heirloom:History>` +
    `</rdf:Description>`
  )
}

/** Orientation is applied to the pixels on decode, so any copy of it in XMP must say 1 (normal). */
function resetOrientation(xmp: string): string {
  return xmp
    .replace(/tiff:Orientation="\d"/g, 'tiff:Orientation="1"')
    .replace(
      /<tiff:Orientation>[ \t\r\n]{0,16}\d[ \t\r\n]{0,16}<\/tiff:Orientation>/g,
      '<tiff:Orientation>1</tiff:Orientation>'
    )
}

function freshPacket(p: Provenance): string {
  return (
    `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>` +
    `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
    ourBlock(p, [], true) +
    `</rdf:RDF></x:xmpmeta><?xpacket end="w"?>`
  )
}

/**
 * The XMP to write: the original packet (orientation reset) with Heirloom's history merged in, or a fresh packet.
 * An original dc:description (the family's caption) is never replaced. Strings are spliced by index, never through
 * String.replace (whose `$&`, `$'` patterns would rewrite model ids or file names). An original over MAX_XMP_BYTES is
 * not carried over.
 */
export function buildXmp(original: string | undefined, p: Provenance | undefined): string | undefined {
  const base = original && original.length <= MAX_XMP_BYTES ? resetOrientation(original) : undefined
  if (!p) return base
  const rdfEnd = base ? base.indexOf('</rdf:RDF>') : -1
  if (!base || rdfEnd < 0) return freshPacket(p)
  const found = findOurBlock(base)
  const previous = found ? historyItems(base.slice(found.start, found.end)) : []
  const without = found ? base.slice(0, found.start) + base.slice(found.end) : base
  const hasDescription = without.includes('<dc:description') || without.includes('dc:description=')
  const at = without.indexOf('</rdf:RDF>')
  return without.slice(0, at) + ourBlock(p, previous, !hasDescription) + without.slice(at)
}
