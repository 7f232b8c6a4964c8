// Bottleneck's light build (no Redis clustering), the one @octokit/plugin-throttling uses;
// the package types only its main entry, which is the same API.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck'
  export default Bottleneck
}
