import { useEffect, useState } from 'react'

/** Loads a (blob) URL into an HTMLImageElement for Konva. */
export function useHtmlImage(url: string | undefined): HTMLImageElement | null {
  const [image, setImage] = useState<HTMLImageElement | null>(null)
  useEffect(() => {
    if (!url) {
      setImage(null)
      return
    }
    let alive = true
    const img = new window.Image()
    img.onload = () => {
      if (alive) setImage(img)
    }
    img.src = url
    return () => {
      alive = false
    }
  }, [url])
  return image
}
