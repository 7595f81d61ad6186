// Standard output as a stream, for what is not written to a file or /dev/null synchronously (a pipe, a terminal).
let stdoutGuarded = false;
/**
 * process.stdout, with a reader that closed the pipe (`siptrail dialogs big.pcap --format json | head`) ending the run
 * quietly, where SIGPIPE would end a C tool: Node ignores SIGPIPE and, with no listener for the stream's 'error'
 * event, threw it with a stack trace. The status stays the command's own (0, or `check`'s 1 for a failed flow). Any
 * other write error is said in one line (exit 3).
 */
export function stdoutStream(): NodeJS.WriteStream {
  const out = process.stdout;
  if (!stdoutGuarded) {
    stdoutGuarded = true;
    out.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') process.stderr.write(`siptrail: cannot write the output: ${e.message}\n`);
      process.exit(e.code === 'EPIPE' ? process.exitCode ?? 0 : 3);
    });
  }
  return out;
}
