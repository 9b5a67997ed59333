/**
 * write-file-atomic (npm's own: a uniquely named temp file beside the target, fsync, rename), loaded on first use
 * so commands that never write to the models folder do not pay for it at start-up.
 */
export async function writeAtomic(path: string, data: string): Promise<void> {
  const { default: writeFileAtomic } = await import('write-file-atomic')
  await writeFileAtomic(path, data)
}
