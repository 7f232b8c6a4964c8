import type { Template } from '../../infra/lib/template.js'

/**
 * The template as moto's CloudFormation can deploy it: the resources of a type moto does
 * not implement are taken out, and each reference to one (`!Ref X`, `!GetAtt X.Attr`, and
 * `${X.Attr}` inside `!Sub`) becomes a parameter (`MotoX`, `MotoXAttr`), which the test
 * fills from the same resource created through moto's own service API where moto has one.
 * Nothing is stubbed: a removed resource nobody references is simply not there.
 */
export function templateForMoto(
  template: Template,
  unsupportedTypes: readonly string[]
): { template: Template; removed: Record<string, string>; parameters: string[] } {
  const removed: Record<string, string> = {}
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (unsupportedTypes.includes(resource.Type)) removed[logicalId] = resource.Type
  }
  const parameters = new Set<string>()
  const parameterFor = (logicalId: string, attribute = ''): string => {
    const name = `Moto${logicalId}${attribute.replace(/[^A-Za-z0-9]/g, '')}`
    parameters.add(name)
    return name
  }
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite)
    if (!value || typeof value !== 'object') return value
    const fn = value as Record<string, unknown>
    if (typeof fn.Ref === 'string' && fn.Ref in removed) return { Ref: parameterFor(fn.Ref) }
    const getAtt = fn['Fn::GetAtt']
    if (Array.isArray(getAtt) && String(getAtt[0]) in removed) {
      return { Ref: parameterFor(String(getAtt[0]), String(getAtt[1])) }
    }
    if (typeof fn['Fn::Sub'] === 'string') {
      return {
        'Fn::Sub': fn['Fn::Sub'].replace(
          /\$\{([A-Za-z0-9]+)(?:\.([A-Za-z0-9.]+))?\}/g,
          (whole, id: string, attribute?: string) =>
            id in removed ? `\${${parameterFor(id, attribute)}}` : whole
        )
      }
    }
    return Object.fromEntries(Object.entries(fn).map(([key, inner]) => [key, rewrite(inner)]))
  }
  const resources = Object.fromEntries(
    Object.entries(template.Resources)
      .filter(([logicalId]) => !(logicalId in removed))
      .map(([logicalId, resource]) => [logicalId, rewrite(resource)])
  ) as Template['Resources']
  const outputs = rewrite(template.Outputs) as Template['Outputs']
  const extraParameters = Object.fromEntries(
    [...parameters]
      .sort()
      .map(name => [
        name,
        { Type: 'String', Description: 'test only: see test/infra/moto-template.ts' }
      ])
  )
  return {
    template: {
      ...template,
      Parameters: { ...template.Parameters, ...extraParameters },
      Resources: resources,
      Outputs: outputs
    },
    removed,
    parameters: [...parameters].sort()
  }
}
