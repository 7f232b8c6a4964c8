import type { Template } from '../../infra/lib/template.js'

/**
 * The few CloudFormation intrinsic functions the template's conditions, Rules and the
 * dispatch rule's input template use, evaluated for given parameter values as
 * CloudFormation documents them: Ref (of a parameter or a pseudo parameter), Condition,
 * Fn::Equals, Fn::Not, Fn::And, Fn::Or, Fn::If and Fn::Sub (both forms; `${Name}` of a
 * parameter, a pseudo parameter or a variable of the map). moto's CloudFormation ignores
 * the Rules section, so these are what checks it. Anything else is an error, never a guess.
 */
export class TemplateEvaluator {
  readonly parameters: Record<string, string>

  constructor(
    private readonly template: Template,
    given: Record<string, string>,
    pseudo: Record<string, string> = {}
  ) {
    const defaults = Object.fromEntries(
      Object.entries(template.Parameters)
        .filter(([, parameter]) => parameter.Default !== undefined)
        .map(([name, parameter]) => [name, String(parameter.Default)])
    )
    this.parameters = { ...defaults, ...given, ...pseudo }
    for (const name of Object.keys(template.Parameters)) {
      if (!(name in this.parameters)) throw new Error(`no value for the parameter ${name}`)
    }
  }

  condition(name: string): boolean {
    const definition = this.template.Conditions?.[name]
    if (definition === undefined) throw new Error(`no condition ${name}`)
    return this.truth(this.value(definition))
  }

  /**
   * The Rules section: the AssertDescription of each assertion that fails for these
   * parameter values, in template order (none: CloudFormation would go ahead).
   */
  failedAssertions(): string[] {
    const rules = (this.template.Rules ?? {}) as Record<
      string,
      { RuleCondition?: unknown; Assertions: { Assert: unknown; AssertDescription: string }[] }
    >
    return Object.values(rules).flatMap(rule =>
      rule.RuleCondition !== undefined && !this.truth(this.value(rule.RuleCondition))
        ? []
        : rule.Assertions.filter(assertion => !this.truth(this.value(assertion.Assert))).map(
            assertion => assertion.AssertDescription
          )
    )
  }

  value(node: unknown): unknown {
    if (typeof node !== 'object' || node === null) return node
    if (Array.isArray(node)) return node.map(item => this.value(item))
    const entries = Object.entries(node)
    const [only, ...others] = entries
    if (!only || others.length > 0)
      return Object.fromEntries(entries.map(([k, v]) => [k, this.value(v)]))
    const [fn, args] = only
    switch (fn) {
      case 'Ref':
        return this.reference(String(args))
      case 'Condition':
        return this.condition(String(args))
      case 'Fn::Equals': {
        const [left, right] = this.list(fn, args, 2)
        return String(this.value(left)) === String(this.value(right))
      }
      case 'Fn::Not':
        return !this.truth(this.value(this.list(fn, args, 1)[0]))
      case 'Fn::And':
        return this.list(fn, args).every(item => this.truth(this.value(item)))
      case 'Fn::Or':
        return this.list(fn, args).some(item => this.truth(this.value(item)))
      case 'Fn::If': {
        const [name, whenTrue, whenFalse] = this.list(fn, args, 3)
        return this.value(this.condition(String(name)) ? whenTrue : whenFalse)
      }
      case 'Fn::Sub':
        return this.sub(args)
      default:
        if (fn.startsWith('Fn::')) throw new Error(`${fn} is not evaluated here`)
        return { [fn]: this.value(args) }
    }
  }

  private sub(args: unknown): string {
    const [text, variables] =
      typeof args === 'string' ? [args, {}] : (this.list('Fn::Sub', args, 2) as [string, object])
    const values = Object.fromEntries(
      Object.entries(variables).map(([name, value]) => [name, String(this.value(value))])
    )
    return text.replace(
      /\$\{([^}!]+)\}/g,
      (_, name: string) => values[name] ?? String(this.reference(name))
    )
  }

  private reference(name: string): string {
    const value = this.parameters[name]
    if (value !== undefined) return value
    throw new Error(`Ref ${name}: not a parameter or a given pseudo parameter`)
  }

  private truth(value: unknown): boolean {
    if (typeof value !== 'boolean') throw new Error(`${JSON.stringify(value)} is not a condition`)
    return value
  }

  private list(fn: string, args: unknown, length?: number): unknown[] {
    if (!Array.isArray(args) || (length !== undefined && args.length !== length)) {
      throw new Error(`${fn} takes a list${length ? ` of ${length}` : ''}: ${JSON.stringify(args)}`)
    }
    return args
  }
}
