/** A progress bar on stderr for terminals, plain milestone lines otherwise (CI logs, pipes). */
export function progressBar(total: number, label: string, stream: NodeJS.WriteStream = process.stderr) {
  const width = 28;
  let lastMilestone = 0;
  return {
    update(done: number, note = '') {
      if (stream.isTTY) {
        const filled = Math.round((done / total) * width);
        stream.write(`\r${label}[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${total} ${note}`.padEnd(90));
        return;
      }
      const milestone = Math.floor((done / total) * 4);
      if (milestone > lastMilestone || done === total) {
        lastMilestone = milestone;
        stream.write(`${label}${done}/${total} ${note}\n`);
      }
    },
    done() {
      if (stream.isTTY) stream.write('\n');
    },
  };
}
