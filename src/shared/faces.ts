/** Face geometry shared by core, IPC and renderer. All coordinates are oriented IMAGE pixels. */
export type Point = [number, number]

/** Subject's right eye (image left), left eye, nose tip, right mouth corner, left mouth corner. */
export type Landmarks5 = [Point, Point, Point, Point, Point]

/** [x, y, width, height] in image pixels. */
export type BoxXYWH = [number, number, number, number]

export interface Face {
  box: BoxXYWH
  score: number
  landmarks: Landmarks5
  /** Where the face came from: the detector, or a box the user drew. */
  source?: 'detector' | 'user'
}
