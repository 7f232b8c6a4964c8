export * from './record.js'
export * from './recorder.js'
