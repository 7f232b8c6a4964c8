// Runs a bundled action as the runner does; the helper lives with the local pipeline,
// which runs the actions the same way.
export {
  parseCommandFile,
  runAction,
  type ActionRun,
  type RunOptions
} from '../../local/src/run-action.js'
