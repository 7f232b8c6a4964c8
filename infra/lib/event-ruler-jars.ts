import type { MavenJar } from '../../local/src/emr-serverless/jar-cache.js'

/**
 * Event Ruler, the library EventBridge matches event patterns with, and its runtime
 * dependencies (its POM's compile scope: Jackson and fastdoubleparser; jsr305 holds only
 * annotations). test/infra/data-arrival.test.ts runs the stack's rule patterns through it;
 * `npm run setup:jars` fetches them from Maven Central into .cache/jars/ with the Spark jars.
 */
export const EVENT_RULER_JARS: readonly MavenJar[] = [
  {
    group: 'software.amazon.event.ruler',
    artifact: 'event-ruler',
    version: '2.1.0',
    sha1: '204ee838380614b7d38985a7517b23518ce4e849',
    bytes: 167_124
  },
  {
    group: 'com.fasterxml.jackson.core',
    artifact: 'jackson-databind',
    version: '2.22.2',
    sha1: '921bd2092b0c539b2876de7063d55c72edcd05d3',
    bytes: 1_708_473
  },
  {
    group: 'com.fasterxml.jackson.core',
    artifact: 'jackson-core',
    version: '2.22.2',
    sha1: '13a748ea3e329fa220076e021b45c8391b32420c',
    bytes: 594_200
  },
  {
    // jackson-databind 2.22.x asks for annotations 2.22 (Jackson's own BOM).
    group: 'com.fasterxml.jackson.core',
    artifact: 'jackson-annotations',
    version: '2.22',
    sha1: '15c67f9498d6934cff9510fc70c5a12e52290457',
    bytes: 84_211
  },
  {
    group: 'ch.randelshofer',
    artifact: 'fastdoubleparser',
    version: '2.0.1',
    sha1: 'ccf4a1c0441e7af5cf24c7b3a9766b2e2646bdea',
    bytes: 195_941
  },
  {
    group: 'com.google.code.findbugs',
    artifact: 'jsr305',
    version: '3.0.2',
    sha1: '25ea2e8b0c338a877313bd4672d3fe056ea78f0d',
    bytes: 19_936
  }
]
