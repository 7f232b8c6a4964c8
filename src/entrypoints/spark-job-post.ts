import { awsClientSettings } from '../core/aws.js'
import { createEmrServerlessClient } from '../core/aws-clients.js'
import { actionInputs, actionLogger, actionState, runAction } from '../core/runner.js'
import { cancelRunLeftBehind } from '../emr/post.js'

// Runs after the job's steps whatever their outcome (post-if: always()), including when the
// main step was killed before it could cancel its job run: cancels a run it left going, so a
// cancelled or crashed workflow never leaves a Spark job billing.
await runAction(async () => {
  await cancelRunLeftBehind(
    actionState,
    () => createEmrServerlessClient(awsClientSettings(actionInputs())),
    actionLogger
  )
})
