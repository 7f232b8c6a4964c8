import type { Statement } from './permissions.js'
import { referenceText, type Template } from './template.js'

/**
 * What EventBridge does, as a rule target's role, to deliver to a target of each resource
 * type (EventBridge user guide: "Using IAM roles for targets"; API destinations,
 * event-bus-to-event-bus). A target type not listed here fails test/infra/iam.test.ts:
 * map it, then write its role's policy line.
 */
export const TARGET_GRANTS: Record<string, string> = {
  'AWS::Events::ApiDestination': 'events:InvokeApiDestination',
  'AWS::Events::EventBus': 'events:PutEvents'
}

export interface RuleTarget {
  rule: string
  id: string
  /** The target's logical ID (its Arn is `!GetAtt <target>.Arn`), if it is in the template. */
  target?: string | undefined
  /** The role's logical ID (its RoleArn is `!GetAtt <role>.Arn`), if it has one. */
  role?: string | undefined
}

const getAttArn = (value: unknown): string | undefined => {
  const getAtt = (value as Record<string, unknown> | undefined)?.['Fn::GetAtt']
  return Array.isArray(getAtt) && getAtt[1] === 'Arn' ? String(getAtt[0]) : undefined
}

/** Every target of every rule in the template. */
export function ruleTargets(template: Template): RuleTarget[] {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::Events::Rule')
    .flatMap(([rule, resource]) =>
      (
        (resource.Properties?.Targets ?? []) as { Id: string; Arn: unknown; RoleArn?: unknown }[]
      ).map(target => ({
        rule,
        id: target.Id,
        target: getAttArn(target.Arn),
        role: getAttArn(target.RoleArn)
      }))
    )
}

/** Per target role, the grants its targets need: `<action> on <target logical ID>`. */
export function requiredTargetGrants(template: Template): Map<string, Set<string>> {
  const required = new Map<string, Set<string>>()
  for (const use of ruleTargets(template)) {
    const type = use.target ? template.Resources[use.target]?.Type : undefined
    const action = type ? TARGET_GRANTS[type] : undefined
    if (!use.role || !action) continue
    if (!required.has(use.role)) required.set(use.role, new Set())
    required.get(use.role)!.add(`${action} on ${use.target}`)
  }
  return required
}

const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value]

/**
 * Checks the roles EventBridge assumes for rule targets: each target is a resource of the
 * stack with a known IAM action and has a role; each role is trusted by EventBridge for this
 * account only and allows exactly the actions its targets need, each on that target alone.
 * Returns one line per problem (none: the roles are right).
 */
export function checkTargetRoles(template: Template): string[] {
  const problems: string[] = []
  for (const use of ruleTargets(template)) {
    const name = `${use.rule} target ${use.id}`
    const type = use.target ? template.Resources[use.target]?.Type : undefined
    if (!type) {
      problems.push(`${name}: Arn is not !GetAtt <resource>.Arn of this template`)
      continue
    }
    if (!(type in TARGET_GRANTS)) {
      problems.push(
        `${name}: a ${type} target has no IAM mapping: add it to TARGET_GRANTS in infra/lib/event-targets.ts`
      )
    }
    if (!use.role) problems.push(`${name}: no RoleArn (!GetAtt <role>.Arn) to deliver with`)
    else if (template.Resources[use.role]?.Type !== 'AWS::IAM::Role') {
      problems.push(`${name}: RoleArn ${use.role} is not an AWS::IAM::Role of this template`)
    }
  }

  const required = requiredTargetGrants(template)
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::IAM::Role' || !trustsEventBridge(resource.Properties)) continue
    const needs = required.get(id)
    if (!needs) {
      problems.push(`${id}: trusted by EventBridge but the role of no rule target`)
      continue
    }
    problems.push(...trustProblems(id, resource.Properties))
    if (resource.Properties?.ManagedPolicyArns !== undefined) {
      problems.push(`${id}: managed policies grant more than its targets need`)
    }
    const granted = new Set<string>()
    const policies = (resource.Properties?.Policies ?? []) as {
      PolicyDocument: { Statement: Statement[] }
    }[]
    for (const statement of policies.flatMap(policy => policy.PolicyDocument.Statement)) {
      const sid = `${id} ${statement.Sid ?? '(statement without Sid)'}`
      if (statement.Effect !== 'Allow') continue
      if (statement.NotAction !== undefined || statement.NotResource !== undefined) {
        problems.push(`${sid}: NotAction/NotResource grant more than they name`)
      }
      for (const action of list(statement.Action)) {
        for (const resourceRef of list(statement.Resource)) {
          const on = /^\$\{([A-Za-z0-9]+)\.Arn\}$/.exec(referenceText(resourceRef))?.[1]
          const grant = `${action} on ${on ?? referenceText(resourceRef)}`
          if (!on || !needs.has(grant)) {
            problems.push(`${sid}: grants ${grant}, which none of its targets needs`)
          }
          granted.add(grant)
        }
      }
    }
    for (const grant of needs) {
      if (!granted.has(grant))
        problems.push(`${id}: does not grant ${grant}, which its target needs`)
    }
  }
  for (const role of required.keys()) {
    if (!trustsEventBridge(template.Resources[role]?.Properties)) {
      problems.push(`${role}: a rule target's role that EventBridge may not assume`)
    }
  }
  return problems
}

interface TrustStatement {
  Effect?: string
  Principal?: { Service?: unknown }
  Action?: unknown
  Condition?: Record<string, Record<string, unknown>>
}

function trustStatements(properties: Record<string, unknown> | undefined): TrustStatement[] {
  const document = properties?.AssumeRolePolicyDocument as { Statement?: TrustStatement[] }
  return document?.Statement ?? []
}

function trustsEventBridge(properties: Record<string, unknown> | undefined): boolean {
  return trustStatements(properties).some(statement =>
    list(statement.Principal?.Service).includes('events.amazonaws.com')
  )
}

// Only EventBridge, only sts:AssumeRole, only for rules of this account (no confused deputy).
function trustProblems(id: string, properties: Record<string, unknown> | undefined): string[] {
  const problems: string[] = []
  for (const statement of trustStatements(properties)) {
    if (statement.Effect !== 'Allow') continue
    const principals = Object.keys(statement.Principal ?? {})
    const services = list(statement.Principal?.Service)
    if (principals.join() !== 'Service' || services.join() !== 'events.amazonaws.com') {
      problems.push(`${id}: trusts ${JSON.stringify(statement.Principal)}, not EventBridge alone`)
    }
    if (list(statement.Action).join() !== 'sts:AssumeRole') {
      problems.push(`${id}: trust allows ${JSON.stringify(statement.Action)}, not sts:AssumeRole`)
    }
    const account = statement.Condition?.StringEquals?.['aws:SourceAccount']
    if (JSON.stringify(account) !== JSON.stringify({ Ref: 'AWS::AccountId' })) {
      problems.push(`${id}: trust without aws:SourceAccount = the stack's account`)
    }
  }
  return problems
}
