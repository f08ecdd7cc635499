import { useEffect, useState } from "react";

type Health = "checking" | "ready" | "unavailable";

/** A placeholder until the console lands: shows that the API behind this page is up. */
export function App() {
  const [health, setHealth] = useState<Health>("checking");
  useEffect(() => {
    fetch("/readyz")
      .then((response) => setHealth(response.ok ? "ready" : "unavailable"))
      .catch(() => setHealth("unavailable"));
  }, []);
  return (
    <main
      style={{
        fontFamily: "system-ui, sans-serif",
        maxWidth: 640,
        margin: "4rem auto",
        padding: "0 1rem",
      }}
    >
      <h1>Lapse</h1>
      <p>API access tokens that expire.</p>
      <p role="status">API: {health}</p>
      <p>
        GraphQL endpoint: <code>/graphql</code>. Send{" "}
        <code>Authorization: Bearer &lt;token&gt;</code>.
      </p>
    </main>
  );
}
