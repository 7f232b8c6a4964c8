import { describe, expect, it } from 'vitest'
import { parseKeyValueFile } from '../../../local/src/runner/command-files.js'
import { Masker } from '../../../local/src/runner/masker.js'
import { expandStrategy } from '../../../local/src/runner/matrix.js'
import { shellCommand } from '../../../local/src/runner/steps/shell.js'
import { markdownAsText } from '../../../local/src/runner/summary-text.js'
import {
  CommandProcessor,
  parseWorkflowCommand
} from '../../../local/src/runner/workflow-commands.js'

describe('environment files (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_STATE)', () => {
  it('reads name=value lines and name<<DELIMITER blocks', () => {
    const content = 'a=1\nb=x=y\njson<<EOF_1\n{\n  "k": 1\n}\nEOF_1\nempty=\n'
    expect(parseKeyValueFile(content, 'GITHUB_OUTPUT')).toEqual([
      ['a', '1'],
      ['b', 'x=y'],
      ['json', '{\n  "k": 1\n}'],
      ['empty', '']
    ])
  })

  it('fails when a block never ends or a line is neither form', () => {
    expect(() => parseKeyValueFile('x<<END\nvalue\n', 'GITHUB_ENV')).toThrow(
      "GITHUB_ENV: matching delimiter 'END' not found for 'x'"
    )
    expect(() => parseKeyValueFile('oops\n', 'GITHUB_OUTPUT')).toThrow(
      "GITHUB_OUTPUT: invalid line 'oops' (expected name=value or name<<DELIMITER)"
    )
  })
})

describe('workflow commands', () => {
  it('parses properties and unescapes data and properties as the runner does', () => {
    expect(
      parseWorkflowCommand('::error file=a%3Ab.ts,line=3,title=T%2Cx::bad%0Anews 100%25')
    ).toEqual({
      command: 'error',
      properties: { file: 'a:b.ts', line: '3', title: 'T,x' },
      message: 'bad\nnews 100%'
    })
    expect(parseWorkflowCommand('not a command')).toBeUndefined()
  })

  it('ignores commands between stop-commands and its token', () => {
    const masks: string[] = []
    const processor = new CommandProcessor({
      addMask: v => masks.push(v),
      setOutput: () => {},
      saveState: () => {},
      setEnv: () => {},
      addPath: () => {},
      allowUnsecureCommands: false
    })
    expect(processor.process('::stop-commands::tok')).toEqual({ kind: 'none' })
    expect(processor.process('::add-mask::secret')).toEqual({
      kind: 'print',
      text: '::add-mask::secret'
    })
    expect(processor.process('::tok::')).toEqual({ kind: 'none' })
    processor.process('::add-mask::secret')
    expect(masks).toEqual(['secret'])
  })
})

describe('masking', () => {
  it('masks the whole value and each of its lines, longer values first', () => {
    const masker = new Masker()
    masker.add('abc')
    masker.add('abcdef')
    masker.add('line-one\nline-two')
    expect(masker.mask('abcdef abc line-two')).toBe('*** *** ***')
    expect(masker.carriesSecret('x line-one')).toBe(true)
  })
})

describe('strategy', () => {
  it('expands a matrix with exclude and include, fail-fast and max-parallel', () => {
    const strategy = expandStrategy(
      {
        'max-parallel': 2,
        matrix: {
          os: ['a', 'b'],
          n: [1, 2],
          exclude: [{ os: 'b', n: 2 }],
          include: [
            { os: 'a', extra: 'x' },
            { os: 'c', n: 9 }
          ]
        }
      },
      'w.yml:1'
    )
    expect(strategy).toEqual({
      failFast: true,
      maxParallel: 2,
      legs: [
        { os: 'a', n: 1, extra: 'x' },
        { os: 'a', n: 2, extra: 'x' },
        { os: 'b', n: 1 },
        { os: 'c', n: 9 }
      ]
    })
  })

  it('refuses a bad max-parallel', () => {
    expect(() => expandStrategy({ 'max-parallel': 0, matrix: { a: [1] } }, 'w.yml:4')).toThrow(
      "w.yml:4: strategy.max-parallel must be a positive integer, got '0'"
    )
  })
})

describe('shells', () => {
  it('uses the commands GitHub documents for Linux', () => {
    expect(shellCommand(undefined, '/t/s')).toEqual({
      command: 'bash',
      args: ['-e', '/t/s.sh'],
      scriptFile: '/t/s.sh'
    })
    expect(shellCommand('bash', '/t/s')).toEqual({
      command: 'bash',
      args: ['--noprofile', '--norc', '-eo', 'pipefail', '/t/s.sh'],
      scriptFile: '/t/s.sh'
    })
    expect(shellCommand('sh', '/t/s')).toMatchObject({ command: 'sh', args: ['-e', '/t/s.sh'] })
    expect(shellCommand('python', '/t/s')).toMatchObject({ command: 'python', args: ['/t/s.py'] })
    expect(shellCommand('perl -w {0}', '/t/s')).toMatchObject({
      command: 'perl',
      args: ['-w', '/t/s']
    })
    expect(shellCommand('pwsh', '/t/s')).toMatch(/not supported/)
  })
})

describe('job summaries as text', () => {
  it('aligns tables and drops markdown marks and tags', () => {
    const text = markdownAsText(
      '### Spark job\n\n| state | **duration** |\n| --- | ---: |\n| SUCCESS | 12 s |\n\n<details><summary>log</summary>\n\n`tail`\n</details>'
    )
    expect(text).toBe(
      'SPARK JOB\n\nstate    duration\n-------  --------\nSUCCESS  12 s\n\nlog\n\ntail'
    )
  })
})
