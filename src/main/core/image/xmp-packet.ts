import { operationText, provenanceText, type Provenance } from './provenance'

/** Namespace of Heirloom's own XMP properties. */
export const HEIRLOOM_XMP_NS = 'https://heirloom.app/ns/xmp/1.0/'

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/** Our rdf:Description is found again by this attribute so re-edits extend one history instead of stacking blocks. */
const OUR_BLOCK = /<rdf:Description\b[^>]*xmlns:heirloom=[\s\S]*?<\/rdf:Description>/
const LI = /<rdf:li>([\s\S]*?)<\/rdf:li>/g

function ourBlock(p: Provenance, previous: string[], addDescription: boolean): string {
  const items = [...previous, ...p.operations.map((op) => `<rdf:li>${esc(operationText(op))}</rdf:li>`)]
  const desc = addDescription
    ? `<dc:description><rdf:Alt><rdf:li xml:lang="x-default">${esc(provenanceText(p))}</rdf:li></rdf:Alt></dc:description>`
    : ''
  return (
    `<rdf:Description rdf:about="" xmlns:heirloom="${HEIRLOOM_XMP_NS}" xmlns:xmp="http://ns.adobe.com/xap/1.0/"` +
    ` xmlns:dc="http://purl.org/dc/elements/1.1/">` +
    `<xmp:CreatorTool>${esc(p.software)}</xmp:CreatorTool>` +
    desc +
    `<heirloom:History><rdf:Seq>${items.join('')}</rdf:Seq></heirloom:History>` +
    `</rdf:Description>`
  )
}

/** Orientation is applied to the pixels on decode, so any copy of it in XMP must say 1 (normal). */
function resetOrientation(xmp: string): string {
  return xmp
    .replace(/tiff:Orientation="\d"/g, 'tiff:Orientation="1"')
    .replace(/<tiff:Orientation>\s*\d\s*<\/tiff:Orientation>/g, '<tiff:Orientation>1</tiff:Orientation>')
}

/**
 * The XMP to write: the original packet (orientation reset) with Heirloom's history merged in, or a fresh packet.
 * An original dc:description (the family's caption) is never replaced.
 */
export function buildXmp(original: string | undefined, p: Provenance | undefined): string | undefined {
  const base = original ? resetOrientation(original) : undefined
  if (!p) return base
  if (base && base.includes('</rdf:RDF>')) {
    const prevBlock = OUR_BLOCK.exec(base)?.[0]
    const previous = prevBlock
      ? [...prevBlock.matchAll(LI)].map((mm) => mm[0]).filter((li) => !li.includes('xml:lang'))
      : []
    const without = prevBlock ? base.replace(prevBlock, '') : base
    const hasDescription = /<dc:description|dc:description=/.test(without)
    return without.replace('</rdf:RDF>', `${ourBlock(p, previous, !hasDescription)}</rdf:RDF>`)
  }
  return (
    `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>` +
    `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
    ourBlock(p, [], true) +
    `</rdf:RDF></x:xmpmeta><?xpacket end="w"?>`
  )
}
