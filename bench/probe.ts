/**
 * The storm's health probe, in a process of its own so that the benchmark's 500 clients never delay
 * its timings: GET <url>/api/health every 50 ms on one kept-alive connection, from the moment it
 * starts until a line arrives on its stdin; then prints one JSON line: each call's time in ms, and
 * when it started (ms since the probe started).
 */
import http from 'node:http'

const [url, address] = process.argv.slice(2) as [string, string]
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
const calls: { at: number, ms: number }[] = []
const origin = performance.now()
let running = true

function get(): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${url}/api/health`, { agent, headers: { 'x-forwarded-for': address } }, (response) => {
      response.resume()
      response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`health answered ${response.statusCode}`))))
    })
    request.on('error', reject)
  })
}

process.stdin.once('data', () => (running = false))
console.log(JSON.stringify({ ready: true }))
while (running) {
  const started = performance.now()
  await get()
  calls.push({ at: Math.round(started - origin), ms: performance.now() - started })
  await new Promise(resolve => setTimeout(resolve, 50))
}
console.log(JSON.stringify(calls))
process.exit(0)
