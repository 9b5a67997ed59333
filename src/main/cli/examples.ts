import type { Command } from 'commander'

/**
 * The last lines of each command's --help: two or three real invocations, by the full command path. A command added
 * later gets its examples here too (tests/integration/cli-help.test.ts checks that every command has some).
 */
export const EXAMPLES: Record<string, readonly (readonly [string, string])[]> = {
  detect: [
    ['heirloom detect scan.jpg', 'list the faces and their eye positions'],
    ['heirloom detect scan.jpg --rotations --json', 'JSON on stdout; try turned copies when none is upright'],
    ['heirloom detect ./scans/wedding.tif --tiled always --min-score 0.5', 'small faces in a large group scan']
  ],
  crop: [
    ['heirloom crop scan.jpg --out face.png', 'the first face, FFHQ-aligned, 512 px'],
    ['heirloom crop scan.jpg --out passport.jpg --face 1 --aspect passport --size 800', 'a plain crop of face 1']
  ],
  restore: [
    ['heirloom restore scan.jpg --out restored.jpg', 'every face with the default restorer (GFPGAN 1.4)'],
    [
      'heirloom restore scan.jpg --out restored.png --model codeformer --fidelity 0.7 --upscale 2',
      'CodeFormer, closer to the original, twice the size'
    ],
    [
      'heirloom restore gray.png --out colour.png --repair --colorize ddcolor',
      'repair scratches, colourise, then restore the faces in colour (--colorize-after: colourise last)'
    ]
  ],
  batch: [
    [
      'heirloom batch ./scans --out ./restored --recursive --resume',
      'a whole tree; run again after an interruption to continue'
    ],
    [
      'heirloom batch ./scans --out ./restored --repair --color --keep-tone --strength 0.6 --resume',
      'repair, fix the fade keeping sepia, a gentler restore; a changed recipe redoes photos on --resume'
    ],
    ['heirloom models import gfpgan-1.4 ./GFPGANv1.4.onnx && heirloom batch ./scans --out ./restored', 'offline']
  ],
  age: [
    [
      'heirloom age portrait.jpg --out older.jpg --edit-factor 2',
      'older by a step of 2 (the factor; it has no calibration to years)'
    ],
    ['heirloom age portrait.jpg --out at-70.jpg --model sam-encoder --target-age 70', 'SAM takes a real age'],
    [
      'heirloom age ./scans --out ./younger --edit-factor -2 --recursive --resume',
      'a whole folder, resumable like batch'
    ]
  ],
  generate: [
    ['heirloom generate --seed 42 --out face.png', 'the same seed gives the same face'],
    ['heirloom generate --seed 7 --out face.png --truncation 0.5', 'closer to the average face']
  ],
  info: [
    ['heirloom info', 'which provider runs, and which models are installed'],
    ['heirloom info --provider webgpu', 'check that the GPU can be used'],
    ['heirloom info --json', 'the same as JSON']
  ],
  models: [
    ['heirloom models list', 'every model, its state and licence'],
    ['heirloom models fetch gfpgan-1.4 yunet-2023mar', 'download (checksums verified; resumes)'],
    ['heirloom models import gfpgan-1.4 /media/usb/GFPGANv1.4.onnx', 'offline: install a copied file']
  ],
  queue: [
    [
      'heirloom queue add /mnt/archive/scans --out /mnt/archive/restored --recursive --redis redis://queuehost:6379',
      'one job per photo, for workers on many machines'
    ],
    ['heirloom queue status --redis redis://queuehost:6379', 'how many photos wait, run, are done or failed']
  ],
  'queue add': [
    [
      'heirloom queue add /mnt/archive/scans --out /mnt/archive/restored --recursive --redis redis://queuehost:6379',
      'every photo of the tree (adding again adds nothing twice)'
    ],
    [
      'heirloom queue add /mnt/archive/scans --out /mnt/archive/gentle --model codeformer --fidelity 0.7 --queue gentle',
      'another recipe in its own queue (Redis from HEIRLOOM_REDIS_URL)'
    ]
  ],
  'queue status': [
    ['heirloom queue status --redis redis://queuehost:6379', 'counts'],
    ['heirloom queue status --queue gentle --json', 'one queue, as JSON']
  ],
  'queue report': [
    ['heirloom queue report --redis redis://queuehost:6379', 'per-photo results, as a local batch reports them'],
    ['heirloom queue report --report /mnt/archive/restored/report.json --overwrite', 'also write it to a file']
  ],
  'queue retry-failed': [
    ['heirloom queue retry-failed --redis redis://queuehost:6379', 'after fixing what made them fail'],
    ['heirloom queue retry-failed --queue gentle', 'one queue (Redis from HEIRLOOM_REDIS_URL)']
  ],
  'queue drain': [
    ['heirloom queue drain --redis redis://queuehost:6379', 'drop the photos not started yet; results stay'],
    ['heirloom queue drain --queue gentle', 'one queue (Redis from HEIRLOOM_REDIS_URL)']
  ],
  worker: [
    ['heirloom worker --redis redis://queuehost:6379', 'on each machine; Ctrl-C finishes the current photo'],
    [
      'heirloom models import gfpgan-1.4 /mnt/archive/models/GFPGANv1.4.onnx && heirloom worker --concurrency 2',
      'offline: workers never download; import the queued models first'
    ]
  ],
  'models list': [
    ['heirloom models list', 'a table'],
    ['heirloom models list --json', 'the same as JSON, with the models folder']
  ],
  'models fetch': [
    ['heirloom models fetch gfpgan-1.4', 'one model'],
    ['HEIRLOOM_MODEL_MIRROR=https://files.example.org/heirloom heirloom models fetch codeformer', 'from a mirror']
  ],
  'models import': [
    ['heirloom models import gfpgan-1.4 /media/usb/GFPGANv1.4.onnx', 'a manifest model copied from elsewhere'],
    ['heirloom models import --kind restorer --family gfpgan ./my-gfpgan.onnx', 'your own model, as a custom entry']
  ],
  'models inspect': [
    ['heirloom models inspect gfpgan-1.4', 'tensors, opset, size and SHA-256 of an installed model'],
    [
      'heirloom models inspect ./GFPGANv1.4.onnx --as gfpgan-1.4 && heirloom models import gfpgan-1.4 ./GFPGANv1.4.onnx',
      'check a copied file fits its contract before importing it (exit 7 when it does not)'
    ]
  ],
  'models verify': [
    ['heirloom models verify', 're-hash every installed model'],
    ['heirloom models verify codeformer', 'one model']
  ],
  repair: [
    ['heirloom repair scan.jpg --out repaired.jpg --save-mask damage.png', 'find scratches and dust, inpaint them'],
    ['heirloom repair scan.jpg --out repaired.png --mask my-mask.png --method lama', 'your own mask, with LaMa'],
    ['heirloom repair ./scans --out ./repaired --recursive --resume', 'a whole tree, resumable like batch']
  ],
  color: [
    ['heirloom color faded.jpg --out fixed.jpg', 'bring back a faded print (no model)'],
    ['heirloom color sepia.jpg --out toned.jpg --keep-tone --strength 0.7', 'fix the fade, keep the sepia tone'],
    ['heirloom color grandpa.png --out colour.png --fade none --colorize ddcolor --render-size 384', 'colourise']
  ],
  credentials: [
    ['heirloom credentials restored.jpg', 'who signed, what was done, whether it still validates'],
    ['heirloom credentials restored.jpg --json', 'the same as JSON'],
    ['heirloom credentials --identity', "this installation's signing identity"]
  ],
  'models remove': [
    ['heirloom models remove codeformer', 'delete the file (and any partial download)'],
    ['heirloom models remove gfpgan-1.4 && heirloom models fetch gfpgan-1.4', 'download it afresh']
  ]
}

/** "a b" for a subcommand b of a. */
export function commandPath(cmd: Command): string {
  const names: string[] = []
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name())
  return names.join(' ')
}

export function examplesText(examples: readonly (readonly [string, string])[]): string {
  const lines = ['', 'Examples:']
  for (const [command, what] of examples) lines.push(`  $ ${command}`, `      ${what}`)
  return `${lines.join('\n')}\n`
}

/** Adds the examples to the end of every command's help that has some. */
export function addExamples(program: Command): void {
  const visit = (cmd: Command): void => {
    const examples = EXAMPLES[commandPath(cmd)]
    if (examples) cmd.addHelpText('after', examplesText(examples))
    cmd.commands.forEach(visit)
  }
  program.commands.forEach(visit)
}
