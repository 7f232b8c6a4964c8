import { isString, type TemplateParseResult, type TraceWriter } from '@actions/workflow-parser'
import {
  TemplateContext,
  TemplateValidationErrors
} from '@actions/workflow-parser/templates/template-context'
import { readTemplate } from '@actions/workflow-parser/templates/template-reader'
import { StringToken } from '@actions/workflow-parser/templates/tokens/string-token'
import type { LiteralToken } from '@actions/workflow-parser/templates/tokens/index'
import { WORKFLOW_ROOT } from '@actions/workflow-parser/workflows/workflow-constants'
import { getWorkflowSchema } from '@actions/workflow-parser/workflows/workflow-schema'
import { YamlObjectReader } from '@actions/workflow-parser/workflows/yaml-object-reader'

/**
 * The YAML reader of GitHub's parser, giving a multi-line scalar's value where the parser
 * would read its source. @actions/workflow-parser 0.3.61 looks for `${{ }}` in the source
 * text of a scalar that spans lines, so a `run: |` script holding an expression reached the
 * step with the file's indentation (and a CRLF file's carriage returns), a quoted scalar over
 * several lines with its quotes, and a `matrix: |-` holding one expression was no mapping.
 * GitHub evaluates the scalar's value, as YAML defines it. Without the source, the parser's
 * positions inside such a scalar are counted in the value, so an error there may name a
 * column off by the indentation; its line stays right for a literal (`|`) block.
 */
class ScalarValueReader extends YamlObjectReader {
  override allowLiteral(): LiteralToken | undefined {
    const token = super.allowLiteral()
    if (!token || !isString(token) || token.source === undefined) return token
    const range = token.range
    if (!range || range.start.line === range.end.line) return token
    return new StringToken(
      token.file,
      range,
      token.value,
      token.definitionInfo,
      undefined,
      token.blockScalarHeader
    )
  }
}

/** What `parseWorkflow` of @actions/workflow-parser does, reading scalars by their value. */
export function parseWorkflowText(
  entry: { name: string; content: string },
  trace: TraceWriter
): TemplateParseResult {
  const context = new TemplateContext(new TemplateValidationErrors(), getWorkflowSchema(), trace)
  const fileId = context.getFileId(entry.name)
  const reader = new ScalarValueReader(fileId, entry.content)
  if (reader.errors.length > 0) {
    for (const error of reader.errors) context.error(fileId, error.message, error.range)
    return { context, value: undefined }
  }
  return { context, value: readTemplate(context, WORKFLOW_ROOT, reader, fileId) }
}
