import io.vmcored.protocol.dmesg.KernelLog;
import io.vmcored.protocol.dmesg.KernelLogResult;
import io.vmcored.protocol.dmesg.PanicSummaryParser;
import io.vmcored.protocol.dump.DumpFiles;
import io.vmcored.protocol.dump.DumpSource;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Benchmark helper (run by bench/analysis-bench.sh, not a test): kernel log extraction and
 * crash summary of DUMP in one warm JVM, as the server's analysis thread does them, without
 * JVM start-up and without writing dmesg.txt. Prints the median and min-max of RUNS after 5 warm-ups.
 * Usage: java -cp server/target/vmcored.jar bench/DmesgWarm.java DUMP [RUNS]
 */
public class DmesgWarm {
    public static void main(String[] args) throws Exception {
        Path dump = Path.of(args[0]);
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        double[] extract = new double[runs];
        double[] parse = new double[runs];
        for (int i = -5; i < runs; i++) {
            long t0 = System.nanoTime();
            KernelLogResult r;
            try (DumpSource src = DumpFiles.open(dump)) {
                r = KernelLog.extract(src);
            }
            long t1 = System.nanoTime();
            PanicSummaryParser.parse(r.asString());
            long t2 = System.nanoTime();
            if (i >= 0) {
                extract[i] = (t1 - t0) / 1e6;
                parse[i] = (t2 - t1) / 1e6;
            }
        }
        Arrays.sort(extract);
        Arrays.sort(parse);
        System.out.printf("warm JVM, median (min-max) of %d: extraction %.1f ms (%.1f-%.1f), crash summary %.1f ms (%.1f-%.1f)%n",
                runs, extract[runs / 2], extract[0], extract[runs - 1], parse[runs / 2], parse[0], parse[runs - 1]);
    }
}
