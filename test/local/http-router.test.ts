import { describe, expect, it } from 'vitest'
import { HttpRouter } from '../../local/src/http-router.js'

const router = new HttpRouter<string>()
  .on('GET', '/applications', 'list')
  .on('GET', '/applications/:applicationId', 'get')
  .on('POST', '/applications/:applicationId/jobruns', 'start')
  .on('GET', '/applications/:applicationId/jobruns/:jobRunId', 'run')
  .on('DELETE', '/applications/:applicationId/jobruns/:jobRunId', 'cancel')
  .on('GET', '/issues/:number(\\d+)', 'issue')
  .on('GET', '/repos/example/pipe.line', 'repository')

describe('HttpRouter', () => {
  it('finds the route by method and path, with its named segments', () => {
    const found = router.find('GET', '/applications/app-1/jobruns/run-2')
    expect(found).toMatchObject({
      found: true,
      handler: 'run',
      params: { applicationId: 'app-1', jobRunId: 'run-2' },
      pathname: '/applications/app-1/jobruns/run-2'
    })
    expect(router.find('delete', '/applications/app-1/jobruns/run-2')).toMatchObject({
      handler: 'cancel'
    })
    expect(router.find('GET', '/applications')).toMatchObject({ handler: 'list', params: {} })
  })

  it('URL-decodes the segments, and a malformed escape matches nothing', () => {
    expect(router.find('GET', '/applications/a%2Fb%20c')).toMatchObject({
      handler: 'get',
      params: { applicationId: 'a/b c' }
    })
    expect(router.find('GET', '/applications/%E0%A4%A')).toMatchObject({
      found: false,
      status: 404
    })
  })

  it('parses the query, repeated names included', () => {
    const found = router.find('GET', '/applications?states=STARTED&states=CREATED&maxResults=5')
    if (!found.found) throw new Error('expected a route')
    expect(found.query.getAll('states')).toEqual(['STARTED', 'CREATED'])
    expect(found.query.get('maxResults')).toBe('5')
    expect(found.pathname).toBe('/applications')
  })

  it('a segment matches one path segment only, and the whole path must match', () => {
    expect(router.find('GET', '/applications/app/extra/jobruns/run')).toMatchObject({ status: 404 })
    expect(router.find('GET', '/applications/')).toMatchObject({ status: 404 })
    expect(router.find('GET', '/v1/applications')).toMatchObject({ status: 404 })
  })

  it("holds a segment to its own expression (\\d+), and reads literal text literally ('.')", () => {
    expect(router.find('GET', '/issues/42')).toMatchObject({ params: { number: '42' } })
    expect(router.find('GET', '/issues/forty-two')).toMatchObject({ status: 404 })
    expect(router.find('GET', '/repos/example/pipe.line')).toMatchObject({ handler: 'repository' })
    expect(router.find('GET', '/repos/example/pipeXline')).toMatchObject({ status: 404 })
  })

  it('404 for a path no route has; 405 naming the methods a known path has', () => {
    expect(router.find('GET', '/nothing/here')).toEqual({
      found: false,
      status: 404,
      allowed: [],
      error: { message: 'No route for GET /nothing/here' }
    })
    expect(router.find('PUT', '/applications/app/jobruns/run')).toEqual({
      found: false,
      status: 405,
      allowed: ['GET', 'DELETE'],
      error: { message: 'PUT is not allowed on /applications/app/jobruns/run (only GET, DELETE)' }
    })
  })

  it('tries routes in the order they were added', () => {
    const ordered = new HttpRouter<string>()
      .on('GET', '/labels/new', 'literal')
      .on('GET', '/labels/:name', 'named')
    expect(ordered.find('GET', '/labels/new')).toMatchObject({ handler: 'literal' })
    expect(ordered.find('GET', '/labels/bug')).toMatchObject({ handler: 'named' })
  })
})
