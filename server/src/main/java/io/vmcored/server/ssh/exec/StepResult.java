package io.vmcored.server.ssh.exec;

/** What a command did when started: finished with a status, or now reads stdin. */
record StepResult(int status, InputConsumer input, boolean exitScript) {

    static StepResult done(int status) {
        return new StepResult(status, null, false);
    }

    static StepResult reading(InputConsumer input) {
        return new StepResult(0, input, false);
    }

    static StepResult exit(int status) {
        return new StepResult(status, null, true);
    }
}
