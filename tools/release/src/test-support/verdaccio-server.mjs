// A Verdaccio registry in this process, for the release rehearsal: node verdaccio-server.mjs
// CONFIG listens on a free port of 127.0.0.1 and prints "listening http://127.0.0.1:PORT/"
// once it accepts requests. Port 0 lets the system choose, so two rehearsals never collide.
import { runServer } from 'verdaccio';

const server = await runServer(process.argv[2]);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening http://127.0.0.1:${server.address().port}/\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
