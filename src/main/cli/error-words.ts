import type { AppError } from '../../shared/errors'

const AUTO_HINT = 'Use --provider auto to run on the CPU instead.'

/** The CLI flag that gives each part of an age route by file. */
const PART_FLAG: Record<string, string> = {
  generator: '--generator-file',
  direction: '--direction-file',
  'average-latent': '--average-latent-file',
  mapping: '--mapping-file'
}

/** The CLI flag of each option the core checks by name. */
const OPTION_FLAG: Record<string, string> = {
  latentPerYear: '--latent-per-year',
  seed: '--seed',
  truncation: '--truncation'
}

/**
 * Core errors are worded for no front end in particular; where the fix is a flag, the CLI says which one, from the
 * error's reason and fields (the app words the same reasons in its renderer).
 */
export function cliMessage(e: Pick<AppError, 'message' | 'reason' | 'fields'>): string {
  const f = e.fields ?? {}
  switch (e.reason) {
    case 'age-needs-current-age':
      return 'This model edits by a change in age: give --current-age with --target-age, or use --delta.'
    case 'age-needs-target-age':
      return 'This model takes a target age: give --target-age, or --current-age together with --delta.'
    case 'age-factor-unsupported':
      return 'This model takes a target age, not a latent step: use --target-age.'
    case 'option-invalid': {
      const flag = OPTION_FLAG[String(f.option)]
      if (!flag) return e.message
      const rule =
        f.option === 'truncation' ? 'be within 0..1' : f.option === 'seed' ? 'be an integer' : 'be a positive number'
      return `${flag} must ${rule} (got ${f.value}).`
    }
    case 'age-model-kind-needed':
      return 'Say what the age model file is: --age-model-kind styleganex|sam.'
    case 'not-an-age-model':
      return `"${f.model}" is a ${f.kind} (${f.family}); --model takes an age model or an age encoder.`
    case 'not-a-restorer':
      return `--restore-after takes a restorer; "${f.model}" is a ${f.kind}.`
    case 'age-part-missing': {
      if (f.part === 'sam-companions') {
        const fetch = f.ids ? `, or get them with: heirloom models fetch ${f.ids}` : ''
        return `${e.message} Pass ${f.flags}${fetch}.`
      }
      const flag = PART_FLAG[String(f.part)] ?? ''
      if (f.part === 'mapping') {
        return (
          'No StyleGAN2 mapping network is installed, so `heirloom generate` cannot sample a face. Import an ONNX ' +
          'export of the FFHQ mapping network (z [1,512] -> w [1,512]) with `heirloom models import --kind mapping ' +
          '<file.onnx>`, or pass --mapping-file <file.onnx>.'
        )
      }
      if (f.plain) return `No ${f.what} is available: pass ${flag}.`
      return `No ${f.what} is available: add one to the manifest or pass ${flag}.`
    }
    case 'no-age-model':
      return 'No age model is listed in the manifest; pass model files.'
    case 'restorer-kind-needed':
      return `A custom restorer file needs --model-kind ${f.kinds}.`
    case 'faces-invalid':
      return `--faces takes "all" or indices like 0,2 (got "${f.text}").`
    case 'output-exists':
      return `"${f.output}" already exists; use --overwrite or --resume.`
    case 'provider-failed':
      return `The ${f.provider} execution provider could not run ${f.model}: ${f.detail}. ${AUTO_HINT}`
    case 'provider-unavailable':
      return `Cannot use --provider ${f.provider}: ${f.why}. ${AUTO_HINT}`
    case 'age-years-uncalibrated':
      return (
        'This model has no calibration from its edit factor to years, so Heirloom will not promise a number of ' +
        'years: use --edit-factor <k> instead (positive = older, negative = younger), give --latent-per-year if ' +
        'you measured one, or use SAM (--model sam-encoder), which takes a real --target-age.'
      )
    case 'already-colour':
      return 'This photo is already in colour; nothing was done (add --force to colourise it anyway).'
    default:
      return e.message
  }
}
