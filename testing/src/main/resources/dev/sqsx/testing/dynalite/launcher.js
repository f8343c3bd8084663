// Started by sqsx-testing (dev.sqsx.testing.internal.EmbeddedDynamoDb) from the directory where
// package-lock.json was installed: dynalite, in memory, on 127.0.0.1 and a port the system picks.
// Prints "sqsx-dynalite-ready <port>" once it listens; exits when its standard input closes, so it
// never outlives the JVM that started it.
'use strict'
const dynalite = require('dynalite')

const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 })
server.on('error', (error) => {
  console.error('sqsx-dynalite-failed ' + error.message)
  process.exit(1)
})
server.listen(0, '127.0.0.1', () => {
  process.stdout.write('sqsx-dynalite-ready ' + server.address().port + '\n')
})
process.stdin.on('end', () => process.exit(0))
process.stdin.on('error', () => process.exit(0))
process.stdin.resume()
