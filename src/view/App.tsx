export function App() {
  return <main>kube-netviz</main>;
}
