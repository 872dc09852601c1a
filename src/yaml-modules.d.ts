declare module '*.yaml' {
  const documents: unknown[];
  export default documents;
}

declare module '*.yaml?cluster' {
  // An ambient module cannot import relatively, so the type is named inline.
  // eslint-disable-next-line @typescript-eslint/consistent-type-imports
  const cluster: import('./model/types').Cluster;
  export default cluster;
}
