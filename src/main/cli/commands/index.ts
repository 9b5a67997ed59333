import type { Command } from 'commander'
import type { CliContext } from '../context'
import { registerDetectCommand } from './detect'
import { registerCropCommand } from './crop'
import { registerModelsCommand } from './models'
import { registerInfoCommand } from './info'
import { registerRestoreCommand } from './restore'
import { registerBatchCommand } from './batch'
import { registerAgeCommand } from './age'
import { registerGenerateCommand } from './generate'
import { registerCredentialsCommand } from './credentials'
import { registerQueueCommand } from './queue'
import { registerWorkerCommand } from './worker'
import { registerColorCommand } from './color'
import { registerRepairCommand } from './repair'

type Register = (program: Command, ctx: CliContext) => void

/** Every subcommand registers itself here (one line each). */
export const COMMANDS: Register[] = [
  registerDetectCommand,
  registerCropCommand,
  registerModelsCommand,
  registerInfoCommand,
  registerRestoreCommand,
  registerBatchCommand,
  registerAgeCommand,
  registerGenerateCommand,
  registerCredentialsCommand,
  registerQueueCommand,
  registerWorkerCommand,
  registerColorCommand,
  registerRepairCommand
]
