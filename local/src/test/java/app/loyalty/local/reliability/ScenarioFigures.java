package app.loyalty.local.reliability;

/**
 * The figures of the fault scenarios (the *ScenarioIT classes), one document for all of them:
 * local/target/reliability/fault-scenarios.json. Failsafe runs the classes one after another in one JVM, so each
 * adds to these totals and rewrites the file when it ends; the last write holds the whole run.
 * <ul>
 *   <li>{@code scenarios}: scenario tests run;</li>
 *   <li>{@code rounds}: rounds over all scenarios (a race, a lost answer, a shuffled delivery, a crashed run ...);</li>
 *   <li>{@code duplicatesDelivered}: requests, events or records handed over again (retries, redeliveries);</li>
 *   <li>{@code violations}: outcomes that broke what the scenario promises (a test fails when it is not 0).</li>
 * </ul>
 */
final class ScenarioFigures {
    static final ReliabilityRun.Figures FIGURES = ReliabilityRun.figures("fault-scenarios");

    private ScenarioFigures() {
    }

    /** One scenario's tally, added to the run's once it has been checked. */
    static void record(String scenario, long rounds, long duplicatesDelivered, long violations) {
        FIGURES.add("scenarios", 1);
        FIGURES.add("rounds", rounds);
        FIGURES.add("duplicatesDelivered", duplicatesDelivered);
        FIGURES.add("violations", violations);
        FIGURES.add("rounds." + scenario, rounds);
        FIGURES.add("duplicatesDelivered." + scenario, duplicatesDelivered);
        FIGURES.write();
    }
}
