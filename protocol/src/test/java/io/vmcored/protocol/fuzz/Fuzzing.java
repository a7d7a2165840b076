package io.vmcored.protocol.fuzz;

/** Checks shared by the fuzz targets. */
final class Fuzzing {

    private Fuzzing() {
    }

    /**
     * Fails when a format exception carries an unchecked cause: the entry points wrap those so
     * operators see "damaged dump", but for the fuzzer it is a bug that damaged input reached.
     */
    static void requireNoUncheckedCause(Exception e) {
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c instanceof RuntimeException || c instanceof Error) {
                throw new AssertionError("unchecked exception behind a format exception: " + e.getMessage(), e);
            }
        }
    }
}
