import cliProgress from 'cli-progress';

/**
 * A progress bar per phase on a terminal; plain periodic lines when output is not a TTY (CI logs).
 */
export function phaseProgress(out: NodeJS.WriteStream = process.stderr) {
  let bar: cliProgress.SingleBar | null = null;
  let phase = '';
  let lastLine = 0;
  return {
    update(p: { phase: string; done: number; total: number }) {
      if (p.phase !== phase) {
        bar?.stop();
        bar = null;
        phase = p.phase;
        if (out.isTTY) {
          bar = new cliProgress.SingleBar(
            { format: `${p.phase.padEnd(12)} [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left`, stream: out, hideCursor: true },
            cliProgress.Presets.shades_classic,
          );
          bar.start(Math.max(p.total, 1), 0);
        }
      }
      if (bar) {
        bar.setTotal(Math.max(p.total, 1));
        bar.update(p.done);
      } else if (Date.now() - lastLine > 2000 || p.done === p.total) {
        lastLine = Date.now();
        out.write(`${p.phase}: ${p.done}/${p.total}\n`);
      }
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}
