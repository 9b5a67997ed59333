import { Group, Image as KonvaImage, Layer } from 'react-konva'
import { afterClip } from './split'
import type { NativeRegion } from './useNativeRegion'

interface Props {
  original: HTMLImageElement | null
  edited: HTMLImageElement | null
  imageW: number
  imageH: number
  /** What to draw: the original only, the edited only, or the edited clipped right of the split fraction. */
  show: 'original' | 'edited' | 'split'
  split: number
  /** Native-pixel rectangles drawn over the previews when zoomed past their resolution. */
  originalRegion?: NativeRegion | null
  editedRegion?: NativeRegion | null
}

function Region({ region }: { region: NativeRegion | null | undefined }) {
  if (!region) return null
  const [x, y, w, h] = region.rect
  return <KonvaImage image={region.image} x={x} y={y} width={w} height={h} name="native-region" />
}

/** The static layer: photo pixels only (not listening), drawn at image-pixel size whatever the preview size. */
export function ImageLayer({ original, edited, imageW, imageH, show, split, originalRegion, editedRegion }: Props) {
  const clip = afterClip(imageW, imageH, split)
  return (
    <Layer listening={false} imageSmoothingEnabled>
      {original && <KonvaImage image={original} width={imageW} height={imageH} />}
      {original && show !== 'edited' && <Region region={originalRegion} />}
      {edited && show === 'edited' && (
        <>
          <KonvaImage image={edited} width={imageW} height={imageH} />
          <Region region={editedRegion} />
        </>
      )}
      {edited && show === 'split' && (
        <Group clipX={clip.x} clipY={clip.y} clipWidth={clip.width} clipHeight={clip.height}>
          <KonvaImage image={edited} width={imageW} height={imageH} />
          <Region region={editedRegion} />
        </Group>
      )}
    </Layer>
  )
}
