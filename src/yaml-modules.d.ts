declare module '*.yaml' {
  const documents: unknown[];
  export default documents;
}

declare module '*.yaml?cluster' {
  const cluster: import('./model/types').Cluster;
  export default cluster;
}
