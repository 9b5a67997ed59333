// Prints params / MB / GMACs of every cost-equivalent graph without generating weights.
import { HEAVY_IDS, heavyFigures } from './graphs'
for (const id of HEAVY_IDS) {
  const f = heavyFigures(id)
  console.log(
    `${id.padEnd(26)} ${(f.params / 1e6).toFixed(1).padStart(7)} M params ${((f.params * 4) / 1e6).toFixed(0).padStart(6)} MB (target ${f.targetMB}) ${f.gmacs.toFixed(1).padStart(7)} GMACs`
  )
}
