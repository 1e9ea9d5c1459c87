/**
 * Runs the fast server in a process of its own, so that its work does not share the event loop of
 * the client being measured. Reports its URL over IPC and exits when the parent disconnects.
 */
import { createFastServer } from "./fastServer.js"

const server = createFastServer()
server.listen(0, "127.0.0.1", () => {
  const address = server.address()
  if (address === null || typeof address === "string") throw new Error("fast server: no TCP address")
  process.send?.({ url: `http://127.0.0.1:${address.port}` })
})
process.on("disconnect", () => {
  server.closeAllConnections()
  server.close(() => process.exit(0))
})
