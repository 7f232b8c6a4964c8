/**
 * The command GitHub runs a `run:` script with on Linux (workflow syntax, `steps[*].shell`):
 * unspecified is `bash -e {0}`, `bash` is `bash --noprofile --norc -eo pipefail {0}`, a custom
 * `command … {0}` template is honoured. `{0}` is the script file.
 */
export interface ShellCommand {
  command: string
  args: string[]
  scriptFile: string
}

const builtIn: Record<string, { template: string; extension: string }> = {
  '': { template: 'bash -e {0}', extension: '.sh' },
  bash: { template: 'bash --noprofile --norc -eo pipefail {0}', extension: '.sh' },
  sh: { template: 'sh -e {0}', extension: '.sh' },
  python: { template: 'python {0}', extension: '.py' }
}

export function shellCommand(shell: string | undefined, scriptBase: string): ShellCommand | string {
  const chosen = shell?.trim() ?? ''
  if (['pwsh', 'powershell', 'cmd'].includes(chosen)) {
    return `shell '${chosen}' is not supported by the local runner (bash, sh, python or a custom 'command {0}')`
  }
  const known = builtIn[chosen]
  const template = known?.template ?? (chosen.includes('{0}') ? chosen : `${chosen} {0}`)
  const scriptFile = scriptBase + (known?.extension ?? '')
  // The template holds at least '{0}', so it has a first word.
  const [command = '', ...args] = template.split(/\s+/).filter(Boolean)
  return {
    command,
    args: args.map(word => word.replace('{0}', scriptFile)),
    scriptFile
  }
}
