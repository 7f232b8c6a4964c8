import { describe, expect, it } from 'vitest'
import {
  compileGlob,
  globSegments,
  isGlob,
  literalPrefix,
  unclosedBracket,
  unescapeKey,
  walksFolders
} from '../../src/s3/glob.js'

describe('isGlob', () => {
  it.each([
    ['bronze/customers/date=2024-01-01/', false],
    ['bronze/customers/part-0001.json', false],
    ['bronze/*.json', true],
    ['bronze/part-?.json', true],
    ['bronze/[ab].json', true],
    ['bronze/{a,b}.json', true],
    ['bronze/\\*.json', false]
  ])('%s → %s', (text, expected) => {
    expect(isGlob(text)).toBe(expected)
  })
})

describe('literalPrefix', () => {
  it.each([
    ['bronze/customers/date=2024-01-01/*', 'bronze/customers/date=2024-01-01/'],
    ['bronze/customers/date=2024-01-01/part-*.json', 'bronze/customers/date=2024-01-01/part-'],
    ['bronze/**/part-0.json', 'bronze/'],
    ['bronze/date=2024-01-0[1-3]/x', 'bronze/date=2024-01-0'],
    ['bronze/{a,b}/x', 'bronze/'],
    ['*.json', ''],
    ['bronze/a\\*b/*', 'bronze/a*b/']
  ])('%s → %s', (glob, prefix) => {
    expect(literalPrefix(glob)).toBe(prefix)
  })
})

describe('unclosedBracket', () => {
  it('finds an unclosed [ and {, with its position', () => {
    expect(unclosedBracket('data/[ab.json')).toEqual({ char: '[', position: 6 })
    expect(unclosedBracket('data/{a,b.json')).toEqual({ char: '{', position: 6 })
  })
  it('accepts closed ones, escapes, a leading ] member and POSIX classes', () => {
    expect(unclosedBracket('data/[ab].json')).toBeUndefined()
    expect(unclosedBracket('data/\\[ab.json')).toBeUndefined()
    expect(unclosedBracket('data/[]a].json')).toBeUndefined()
    expect(unclosedBracket('data/[[:digit:]]*')).toBeUndefined()
    expect(unclosedBracket('data/{a,{b,c}}')).toBeUndefined()
  })
})

describe('compileGlob', () => {
  const matches = (glob: string, key: string): boolean => compileGlob(glob)(key)

  it('* and ? stay within one path segment', () => {
    expect(matches('d/*.json', 'd/part-1.json')).toBe(true)
    expect(matches('d/*.json', 'd/sub/part-1.json')).toBe(false)
    expect(matches('d/part-?.json', 'd/part-1.json')).toBe(true)
    expect(matches('d/part-?.json', 'd/part-10.json')).toBe(false)
  })

  it('** crosses segments, including none', () => {
    expect(matches('d/**/x.csv', 'd/x.csv')).toBe(true)
    expect(matches('d/**/x.csv', 'd/a/b/c/x.csv')).toBe(true)
    expect(matches('d/**', 'd/a/b')).toBe(true)
    expect(matches('d/**/x.csv', 'e/x.csv')).toBe(false)
  })

  it('[...] ranges, negation and POSIX classes', () => {
    expect(matches('d/part-[0-4].json', 'd/part-3.json')).toBe(true)
    expect(matches('d/part-[0-4].json', 'd/part-7.json')).toBe(false)
    expect(matches('d/part-[!0-4].json', 'd/part-7.json')).toBe(true)
    expect(matches('d/part-[[:digit:]].json', 'd/part-7.json')).toBe(true)
    expect(matches('d/part-[[:digit:]].json', 'd/part-x.json')).toBe(false)
  })

  it('{a,b} alternatives', () => {
    expect(matches('d/*.{json,csv}', 'd/a.csv')).toBe(true)
    expect(matches('d/*.{json,csv}', 'd/a.json')).toBe(true)
    expect(matches('d/*.{json,csv}', 'd/a.parquet')).toBe(false)
  })

  it('matches dot files, _SUCCESS and characters regexes care about literally', () => {
    expect(matches('d/*', 'd/.hidden')).toBe(true)
    expect(matches('d/*', 'd/_SUCCESS')).toBe(true)
    expect(matches('d/report (1)*.csv', 'd/report (1) final.csv')).toBe(true)
    expect(matches('d/a+b@c!*', 'd/a+b@c!x')).toBe(true)
    expect(matches('d/$x^*', 'd/$x^y')).toBe(true)
    expect(matches('d/a|b*', 'd/a|bc')).toBe(true)
    expect(matches('d/a|b*', 'd/a')).toBe(false)
  })

  it('escaped wildcards match themselves only', () => {
    expect(matches('d/a\\*b/*', 'd/a*b/x')).toBe(true)
    expect(matches('d/a\\*b/*', 'd/axxb/x')).toBe(false)
  })
})

describe('unescapeKey', () => {
  it.each([
    ['exports/file\\*.csv', 'exports/file*.csv'],
    ['a\\?\\[b\\]\\{c\\}', 'a?[b]{c}'],
    ['a\\\\b', 'a\\b'],
    ['exports\\2024\\a.csv', 'exports\\2024\\a.csv'],
    ['plain/key.csv', 'plain/key.csv']
  ])('%s is the key %s', (text, key) => {
    expect(unescapeKey(text)).toBe(key)
  })
})

describe('globSegments and walksFolders', () => {
  it('splits at each / between segments, marking wildcards', () => {
    expect(globSegments('bronze/date=2026-01-*/part-0001.json')).toEqual([
      { text: 'bronze', wild: false, crosses: false },
      { text: 'date=2026-01-*', wild: true, crosses: false },
      { text: 'part-0001.json', wild: false, crosses: false }
    ])
  })

  it('marks a segment that may match across / and keeps a / inside braces in its segment', () => {
    expect(globSegments('a/**/b').map(segment => segment.crosses)).toEqual([false, true, false])
    expect(globSegments('a/{x,y/z}/c').map(segment => segment.text)).toEqual(['a', '{x,y/z}', 'c'])
    expect(globSegments('a/{x,y/z}/c')[1]?.crosses).toBe(true)
    expect(globSegments('a/[[:punct:]]x/c')[1]?.crosses).toBe(true)
    expect(globSegments('a/[+-0]x/c')[1]?.crosses).toBe(true)
    expect(globSegments('a/[!b]x/c')[1]?.crosses).toBe(false)
  })

  it.each([
    ['bronze/date=2026-01-*/part-0001.json', true],
    ['bronze/date=2026-01-*/part-*.json', true],
    ['bronze/date=2026-01-01/*.json', false],
    ['bronze/**/part-0001.json', false],
    ['bronze/{a,b/c}/x.json', false]
  ])('%s walks folders: %s', (glob, walks) => {
    expect(walksFolders(glob)).toBe(walks)
  })
})
