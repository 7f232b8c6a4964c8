import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parse, type Tags, type YAMLMap, type YAMLSeq } from 'yaml'

type ParsedCollection = YAMLMap.Parsed | YAMLSeq.Parsed

export const infraDir = path.resolve(import.meta.dirname, '..')
export const templatePath = path.join(infraDir, 'pipeline.yaml')

/** A CloudFormation template in its JSON form (intrinsic functions as `{ "Fn::Sub": … }`). */
export interface Template {
  Parameters: Record<string, { Type: string; Default?: string | number }>
  Conditions?: Record<string, unknown>
  Resources: Record<string, Resource>
  Outputs: Record<string, { Description: string; Value: unknown; Condition?: string }>
  [key: string]: unknown
}

export interface Resource {
  Type: string
  Condition?: string
  DependsOn?: string | string[]
  Properties?: Record<string, unknown>
  Metadata?: Record<string, unknown>
  [key: string]: unknown
}

// The short forms (!Ref, !Sub, …) in their long JSON form, as CloudFormation reads them.
const FUNCTIONS = [
  'Base64',
  'Cidr',
  'Equals',
  'FindInMap',
  'GetAZs',
  'If',
  'ImportValue',
  'Join',
  'Not',
  'And',
  'Or',
  'Select',
  'Split',
  'Sub',
  'ToJsonString'
]

const longName = (name: string): string => `Fn::${name}`

const cloudFormationTags: Tags = [
  { tag: '!Ref', resolve: (value: string) => ({ Ref: value }) },
  { tag: '!Condition', resolve: (value: string) => ({ Condition: value }) },
  {
    tag: '!GetAtt',
    resolve: (value: string) => {
      const dot = value.indexOf('.')
      return { 'Fn::GetAtt': [value.slice(0, dot), value.slice(dot + 1)] }
    }
  },
  {
    tag: '!GetAtt',
    collection: 'seq',
    resolve: (seq: ParsedCollection) => ({ 'Fn::GetAtt': seq.toJSON() as unknown })
  },
  ...FUNCTIONS.flatMap(name => [
    { tag: `!${name}`, resolve: (value: string) => ({ [longName(name)]: value }) },
    {
      tag: `!${name}`,
      collection: 'seq' as const,
      resolve: (seq: ParsedCollection) => ({ [longName(name)]: seq.toJSON() as unknown })
    },
    {
      tag: `!${name}`,
      collection: 'map' as const,
      resolve: (map: ParsedCollection) => ({ [longName(name)]: map.toJSON() as unknown })
    }
  ])
]

/** Parses a CloudFormation YAML template (short-form tags included) into its JSON form. */
export function parseTemplate(text: string): Template {
  return parse(text, { customTags: cloudFormationTags }) as Template
}

/** A resource the template must have; a missing one is named. */
export function resourceOf(template: Template, logicalId: string): Resource {
  const resource = template.Resources[logicalId]
  if (!resource) throw new Error(`The template has no resource ${logicalId}`)
  return resource
}

/** infra/pipeline.yaml in its JSON form. */
export function loadTemplate(file: string = templatePath): Template {
  return parseTemplate(readFileSync(file, 'utf8'))
}

/**
 * An IAM Resource (or Principal) value as one readable string: `!GetAtt Bucket.Arn` and
 * `!Ref Bucket` as `${Bucket.Arn}` and `${Bucket}`, `!Sub` as its text.
 */
export function referenceText(value: unknown): string {
  if (typeof value === 'string') return value
  if (value && typeof value === 'object') {
    const fn = value as Record<string, unknown>
    if (typeof fn.Ref === 'string') return `\${${fn.Ref}}`
    const getAtt = fn['Fn::GetAtt']
    if (Array.isArray(getAtt)) return `\${${getAtt.join('.')}}`
    const sub = fn['Fn::Sub']
    if (typeof sub === 'string') return sub
  }
  throw new Error(`cannot read ${JSON.stringify(value)} as a reference`)
}
