import { Group, Image as KonvaImage, Layer } from 'react-konva'
import { afterClip } from './split'

interface Props {
  original: HTMLImageElement | null
  edited: HTMLImageElement | null
  imageW: number
  imageH: number
  /** What to draw: the original only, the edited only, or the edited clipped right of the split fraction. */
  show: 'original' | 'edited' | 'split'
  split: number
}

/** The static layer: photo pixels only (not listening), drawn at image-pixel size whatever the preview size. */
export function ImageLayer({ original, edited, imageW, imageH, show, split }: Props) {
  const clip = afterClip(imageW, imageH, split)
  return (
    <Layer listening={false} imageSmoothingEnabled>
      {original && <KonvaImage image={original} width={imageW} height={imageH} />}
      {edited && show === 'edited' && <KonvaImage image={edited} width={imageW} height={imageH} />}
      {edited && show === 'split' && (
        <Group clipX={clip.x} clipY={clip.y} clipWidth={clip.width} clipHeight={clip.height}>
          <KonvaImage image={edited} width={imageW} height={imageH} />
        </Group>
      )}
    </Layer>
  )
}
