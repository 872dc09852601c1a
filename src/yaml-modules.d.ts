declare module '*.yaml' {
  const documents: unknown[];
  export default documents;
}
